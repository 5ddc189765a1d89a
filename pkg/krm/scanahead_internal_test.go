package krm

import "testing"

// likelyFinding picks the holders whose image lines may hold a finding,
// by the output's sources alone: what it leaves, lookAll still reads.
func TestLikelyFinding(t *testing.T) {
	t.Parallel()
	digest := map[string]bool{"quay.io/acme": true, "registry.example.com:5000/team/app": true, "ghcr.io/both": true}
	tags := map[string]bool{"ghcr.io/both": true}
	for _, c := range []struct {
		images []string
		sure   bool
		want   bool
	}{
		{[]string{"quay.io/acme/app:v1"}, true, true},                                // by tag, digest mirrors only
		{[]string{"quay.io/acme/app@sha256:" + zeros}, true, false},                  // by digest: mirrored
		{[]string{"quay.io/acme:v1"}, true, true},                                    // the source itself
		{[]string{"quay.io/acmex/app:v1"}, true, false},                              // not under it
		{[]string{"registry.example.com:5000/team/app:2"}, true, true},               // a port
		{[]string{"ghcr.io/both/app:v1"}, true, false},                               // tag mirrors too
		{[]string{"docker.io/library/nginx:1"}, true, false},                         // no rule
		{[]string{"nginx:1"}, true, true},                                            // a short name
		{[]string{"team/app:1"}, true, true},                                         // docker.io, completed by the node
		{[]string{"localhost/app:1"}, true, false},                                   // a host
		{[]string{"docker.io/library/nginx:1", "quay.io/acme/x:latest"}, true, true}, // one of several
		{nil, false, true}, // lines only a parse reads
		{nil, true, false},
	} {
		e := &entry{lines: &imageLines{mentions: true, images: c.images, sure: c.sure}}
		if got := likelyFinding(e, digest, tags); got != c.want {
			t.Errorf("%q (sure %v): %v, want %v", c.images, c.sure, got, c.want)
		}
	}
}

const zeros = "0000000000000000000000000000000000000000000000000000000000000000"

// TestPredecodedChunks: what slot stores, at returns, across the chunks
// and past the last one.
func TestPredecodedChunks(t *testing.T) {
	t.Parallel()
	var p predecoded
	want := map[int]*decoded{}
	for _, i := range []int{5, 0, chunkItems - 1, chunkItems, 3*chunkItems + 7, chunkItems + 1} {
		d := &decoded{nodes: i}
		p.slot(i).set = d
		want[i] = d
	}
	for i := range 4*chunkItems + 10 {
		if got := p.at(i).set; got != want[i] {
			t.Fatalf("at(%d) = %v; want %v", i, got, want[i])
		}
	}
	if len(p.items) != 4 {
		t.Errorf("%d chunks for items up to %d; want 4", len(p.items), 3*chunkItems+7)
	}
}
