package imagepull

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/result"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // field=image, or field=!description
	}{
		{"pod, every container list in start order", `apiVersion: v1
kind: Pod
spec:
  containers: [{name: a, image: a:1}, {name: b, image: b:1}]
  initContainers: [{name: i, image: i:1}]
  ephemeralContainers: [{name: e, image: e:1}]
`, []string{"spec.initContainers[0].image=i:1", "spec.containers[0].image=a:1", "spec.containers[1].image=b:1", "spec.ephemeralContainers[0].image=e:1"}},
		{"deployment", "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{image: x/y:1}]}}}\n",
			[]string{"spec.template.spec.containers[0].image=x/y:1"}},
		{"cronjob", "apiVersion: batch/v1\nkind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: {containers: [{image: c}]}}}}}\n",
			[]string{"spec.jobTemplate.spec.template.spec.containers[0].image=c"}},
		{"deploymentconfig", "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nspec: {template: {spec: {containers: [{image: d}]}}}\n",
			[]string{"spec.template.spec.containers[0].image=d"}},
		{"catalogsource", "apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\nspec: {image: 'q/i:v1'}\n", []string{"spec.image=q/i:v1"}},
		{"a kind of another group", "apiVersion: example.com/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{image: x}]}}}\n", nil},
		{"missing, null and empty images", "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a}, {image: null}, {image: ''}, 'not a map']}\n", nil},
		{"not a string", "apiVersion: v1\nkind: Pod\nspec: {containers: [{image: {repository: x}}, {image: 5}]}\n",
			[]string{"spec.containers[0].image=!a map", "spec.containers[1].image=!a number (5)"}},
		{"a v1 list", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{image: l}]}}\n- {apiVersion: v1, kind: ConfigMap, data: {image: no}}\n",
			[]string{"items[0].spec.containers[0].image=l (Pod \"p\")"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := yaml.MustParse(tt.yaml)
			var got []string
			for _, r := range Find(n.YNode(), result.Object{APIVersion: n.GetApiVersion(), Kind: n.GetKind()}) {
				s := r.Field + "=" + r.Image
				if r.NotString != "" {
					s = r.Field + "=!" + r.NotString
				}
				if r.In != "" {
					s += " (" + r.In + ")"
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Find() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, r := range Find(n.YNode(), result.Object{APIVersion: n.GetApiVersion(), Kind: n.GetKind()}) {
				if !Holds(r.Object.APIVersion, r.Object.Kind) {
					t.Errorf("Find found %s in a kind Holds says holds no images", r.Field)
				}
			}
		})
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name, raw string
		want      []string
		sure      bool
	}{
		{"plain, quoted, after a dash, with a comment", "- image: a:1\n  image: \"b:2\"\n      image: 'c' # x\n  image: d # the app\n", []string{"a:1", "b:2", "c", "d"}, true},
		{"other keys that say image", "  imagePullPolicy: Always\n  name: image-builder\n  app: my-image\n", nil, true},
		{"value on the next lines", "  image:\n    reference: x\n", nil, false},
		{"a block scalar", "  image: |\n    x\n", nil, false},
		{"a flow map", "  - {name: a, image: b}\n", nil, false},
		{"a quoted key", "  \"image\": x\n", nil, false},
		{"an escape", "  image: \"a\\tb\"\n", nil, false},
		{"two quotes in a single-quoted value", "  image: 'it''s'\n", nil, false},
		{"no line break at the end", "  image: z", []string{"z"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sure := Candidates([]byte(tt.raw))
			if sure != tt.sure || sure && strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Candidates() = %q, %v; want %q, %v", got, sure, tt.want, tt.sure)
			}
		})
	}
}

// TestCandidatesCoverFind: on every item Find reads, whatever Find returns
// is among the candidates, or the candidates say they are not sure: the
// fast path never skips a reference.
func TestCandidatesCoverFind(t *testing.T) {
	items := []string{
		"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b:1 # pinned later\n  - image: 'quay.io/a/c'\n    name: c\n",
		"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n      - image: \"x.io/y@sha256:00\"\n      containers:\n      - {image: z.io/w}\n",
		"apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\nspec:\n  image: >-\n    q.io/index:v1\n",
	}
	for _, raw := range items {
		n := yaml.MustParse(raw)
		cands, sure := Candidates([]byte(raw))
		if !sure {
			continue
		}
		for _, r := range Find(n.YNode(), result.Object{APIVersion: n.GetApiVersion(), Kind: n.GetKind()}) {
			found := false
			for _, c := range cands {
				found = found || c == r.Image
			}
			if !found {
				t.Errorf("Find read %q at %s, which Candidates missed (%q)", r.Image, r.Field, cands)
			}
		}
	}
}

// candidatesByLine is Candidates as it was, a search in each line.
func candidatesByLine(raw []byte) (images []string, sure bool) {
	return candidates(func(yield func([]byte) bool) {
		for _, line := range bytes.Split(raw, []byte("\n")) {
			if bytes.Contains(line, []byte("image")) && !yield(line) {
				return
			}
		}
	})
}

// TestCandidatesByWholeSearch holds Candidates, which searches the whole
// item for "image", to the search line by line, on items drawn from the
// pieces of image lines.
func TestCandidatesByWholeSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	pieces := []string{"image", "image:", " image: a/b:1", "- ", "  ", "\n", "x", `"`, "'", ": ", "#", "images:", "|", "\n  - image: q.io/r@sha256:" + strings.Repeat("a", 64)}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(14) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		raw := []byte(b.String())
		got, gotSure := Candidates(raw)
		want, wantSure := candidatesByLine(raw)
		if gotSure != wantSure || !slices.Equal(got, want) {
			t.Fatalf("%q: %q, %v; want %q, %v", raw, got, gotSure, want, wantSure)
		}
	}
}
