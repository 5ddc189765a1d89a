package krm

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/explain"
	"github.com/mirrorset/mirrorset/pkg/imagepull"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// imageHolders returns the entries whose images checkImages checks: on
// the fast path only the items of the kinds that hold images, and that
// mention one; none when the check is off or the output has no mirror
// rules (a list without them costs nothing: nothing is read).
func imageHolders(cfg config.Config, img *registriesconf.Image, outs []transform.Out, entries []*entry, owned []bool) []*entry {
	if cfg.ImagePullCheck == config.ImagePullOff || !hasRules(img, outs) {
		return nil
	}
	var holders []*entry
	for i, e := range entries {
		if owned[i] || !imagepull.Holds(e.apiVersion, e.kind) {
			continue
		}
		if e.node == nil && !e.mentionsImage() {
			continue
		}
		holders = append(holders, e)
	}
	return holders
}

// checkImages reports the images of holders (imageHolders) that a node
// cannot pull, or pulls from their source alone, under the mirror rules
// of the output and the Image named cluster (see package imagepull).
// rendered is the output's registries.conf, nil when it did not render
// (nodeView and the nodes result say why): nothing is checked then. On
// the fast path an item is parsed only when its image lines, read while
// the list was (entry.lines), may hold a finding. err is a failure to
// parse an item, which sends the fast path to the full parse; the check's
// own failures are a warning. release, when not nil, gives back the pages
// of items read again here.
func checkImages(cfg config.Config, img *registriesconf.Image, outs []transform.Out, holders []*entry, rendered *registriesconf.Result, release func([]*resourcelist.Item)) (result.Results, error) {
	if len(holders) == 0 || rendered == nil {
		return nil, nil
	}
	// While containers/image loads the rendering, on one core, the items
	// that likely hold a finding are read on the other (see scanAhead).
	ahead := scanAhead(holders, outs, release)
	c, err := imagepull.NewChecker(rendered.Conf, explain.Origins{Sets: outputSets(outs), Image: img})
	ahead.stop()
	if err != nil {
		return result.Results{{Severity: result.Warning, Message: "the images were not checked: " + err.Error()}}, nil
	}
	defer c.Close()
	// The references of each holder, in the list's order: read without a
	// parse where imagepull.Scan reads the item whole, else from the parse.
	type holding struct {
		e       *entry
		refs    []imagepull.Ref
		scanned bool
	}
	looks := lookAll(c, holders, release, ahead)
	var held []holding
	for i, e := range holders {
		l := looks[i]
		switch {
		case l.err != nil:
			return result.Results{{Severity: result.Warning, Message: "the images were not checked: " + l.err.Error()}}, nil
		case l.found != nil:
			held = append(held, holding{e: e, refs: l.found, scanned: true})
		case l.parse:
			refs, err := findImages(e)
			if err != nil {
				return nil, err
			}
			held = append(held, holding{e: e, refs: refs})
		}
	}
	var findings []imagepull.Finding
	var from, at []int // the holding of each finding, and its place there
	for hi, h := range held {
		for ri, r := range h.refs {
			v := &imagepull.Verdict{Status: imagepull.Unparseable}
			if r.NotString == "" {
				if v, err = c.Check(r.Image); err != nil {
					return result.Results{{Severity: result.Warning, Message: "the images were not checked: " + r.Where() + ": " + err.Error()}}, nil
				}
			}
			if v.Status.Finding() {
				findings = append(findings, imagepull.Finding{Ref: r, Verdict: v})
				from, at = append(from, hi), append(at, ri)
			}
		}
	}
	// The results name a few findings by object and field: only their
	// items are parsed; the others are counted by image, as scanned.
	for i, shown := range imagepull.Shown(findings) {
		if !shown {
			continue
		}
		h := &held[from[i]]
		if h.scanned {
			refs, err := findImages(h.e)
			if err != nil {
				return nil, err
			}
			if len(refs) != len(h.refs) {
				// Scan and the parse disagree: the full parse decides.
				return nil, fmt.Errorf("%s %s: the image scan found %d references, the parse %d", h.e.kind, h.e.item.Name(), len(h.refs), len(refs))
			}
			h.refs, h.scanned = refs, false
		}
		findings[i].Ref = h.refs[at[i]]
	}
	rs, err := imagepull.Results(findings, cfg.ImagePullCheck, c.Explain)
	if err != nil {
		return result.Results{{Severity: result.Warning, Message: "the images were not checked: " + err.Error()}}, nil
	}
	return rs, nil
}

// look is what lookAll found of one holder without a parse.
type look struct {
	found []imagepull.Ref // the references Scan read, one of them a finding
	parse bool            // only a parse tells (findImages)
	err   error           // the check's own failure
}

// lookAll looks at the image lines of each holder, read while the list
// was (entry.lines), and reads with imagepull.Scan those that may hold a
// finding. The holders go to two goroutines a chunk at a time where a
// list has many: the checker's verdicts, one per registry and kind of
// pull, are shared, and each look is the same on any goroutine. A look
// that fails ends its goroutine's chunk; checkImages reports the first in
// the list's order, as one pass would, and parses on one goroutine (the
// parse's budget is the list's). release gives back the pages of the
// items read again.
func lookAll(c *imagepull.Checker, holders []*entry, release func([]*resourcelist.Item), ahead *scanned) []look {
	looks := make([]look, len(holders))
	one := func(i int, r *rereader) {
		e := holders[i]
		if e.node != nil {
			looks[i].parse = true
			return
		}
		images, sure := e.imageLines()
		need, err := needsParse(c, images, sure)
		if err != nil || !need {
			looks[i].err = err
			return
		}
		refs, ok, done := ahead.of(i)
		if !done {
			refs, ok = r.scan(e)
		}
		if !ok {
			looks[i].parse = true
			return
		}
		found, err := anyFinding(c, refs)
		if found {
			looks[i].found = refs
		}
		looks[i].err = err
	}
	chunks := (len(holders) + lookChunk - 1) / lookChunk
	workers := min(2, runtime.GOMAXPROCS(0), chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			r := newRereader(release)
			defer r.done()
			for {
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				for i := k * lookChunk; i < min((k+1)*lookChunk, len(holders)); i++ {
					if one(i, r); looks[i].err != nil {
						break
					}
				}
			}
		})
	}
	wg.Wait()
	return looks
}

// scanned is what scanAhead read: imagepull.Scan of the holders it chose,
// among the first ones.
type scanned struct {
	refs [][]imagepull.Ref
	ok   []bool
	read []bool // the holder was scanned
	cut  atomic.Bool
	done chan struct{}
}

// scanAhead reads with imagepull.Scan, in the list's order, on a goroutine
// of its own until stop, the holders whose image lines likely hold a
// finding: a reference by tag under a source that has digest mirrors
// only, a short name, or lines it cannot tell. Those lines, read while the
// list was, say so without the rendering: lookAll, which asks the
// rendering, takes the scans made, and makes the others. nil when the
// holders are few.
func scanAhead(holders []*entry, outs []transform.Out, release func([]*resourcelist.Item)) *scanned {
	if len(holders) < scanAheadFrom {
		return nil
	}
	digest, tags := map[string]bool{}, map[string]bool{}
	for _, o := range outs {
		for _, e := range o.Entries {
			if e.HasRealMirror() {
				if o.Kind.Pool() == mirror.TagPool {
					tags[e.Source] = true
				} else {
					digest[e.Source] = true
				}
			}
		}
	}
	s := &scanned{refs: make([][]imagepull.Ref, len(holders)), ok: make([]bool, len(holders)), read: make([]bool, len(holders)),
		done: make(chan struct{})}
	go func() {
		defer close(s.done)
		r := newRereader(release)
		defer r.done()
		for i, e := range holders {
			if s.cut.Load() {
				break
			}
			if e.node != nil || !likelyFinding(e, digest, tags) {
				continue
			}
			s.refs[i], s.ok[i] = r.scan(e)
			s.read[i] = true
		}
	}()
	return s
}

// scanAheadFrom is how many holders a list has from which scanAhead works.
const scanAheadFrom = 256

// stop ends scanAhead's work, and waits for it.
func (s *scanned) stop() {
	if s != nil {
		s.cut.Store(true)
		<-s.done
	}
}

// of returns the scan of holder i, when scanAhead made it (after stop).
func (s *scanned) of(i int) (refs []imagepull.Ref, ok, done bool) {
	if s == nil || !s.read[i] {
		return nil, false, false
	}
	return s.refs[i], s.ok[i], true
}

// likelyFinding reports whether e's image lines name an image by tag under
// a source with digest mirrors and no tag mirrors (which the node pulls
// from the source alone, or not at all), a name that is short or that the
// node completes (imagepull.ExplicitName), or cannot be read without a
// parse.
func likelyFinding(e *entry, digest, tags map[string]bool) bool {
	images, sure := e.imageLines()
	if !sure {
		return true
	}
	for _, image := range images {
		name, ok := imagepull.ExplicitName(image)
		if !ok {
			return true
		}
		if strings.Contains(image, "@") {
			continue // by digest
		}
		under := func(sources map[string]bool) bool {
			for n := name; ; {
				if sources[n] {
					return true
				}
				i := strings.LastIndexByte(n, '/')
				if i < 0 {
					return false
				}
				n = n[:i]
			}
		}
		if under(digest) && !under(tags) {
			return true
		}
	}
	return false
}

// lookChunk is how many holders a goroutine of lookAll takes at a time.
const lookChunk = 64

// findImages parses an item and returns its image references, none when it
// is never applied.
func findImages(e *entry) ([]imagepull.Ref, error) {
	n, err := e.read()
	if err != nil {
		return nil, err
	}
	if annotation(n, localConfig) == "true" {
		return nil, nil // never applied
	}
	path, index := e.fileIndex()
	idx, _ := strconv.Atoi(index)
	obj := result.Object{APIVersion: e.apiVersion, Kind: e.kind, Name: n.GetName(), Namespace: n.GetNamespace(), File: path, Index: idx}
	return imagepull.Find(n.YNode(), obj), nil
}

// anyFinding reports whether one of refs is a reference the check reports.
func anyFinding(c *imagepull.Checker, refs []imagepull.Ref) (bool, error) {
	for _, r := range refs {
		s, err := c.Status(r.Image)
		if err != nil {
			return false, err
		}
		if s.Finding() {
			return true, nil
		}
	}
	return false, nil
}

// rereader reads items again with imagepull.Scan, on one goroutine, and
// gives back their pages a few dozen items at a time (release, which may
// be nil).
type rereader struct {
	sc      imagepull.Scanner
	items   []*resourcelist.Item // read since the last release
	release func([]*resourcelist.Item)
}

func newRereader(release func([]*resourcelist.Item)) *rereader {
	return &rereader{items: make([]*resourcelist.Item, 0, releaseEvery), release: release}
}

// scan is imagepull.Scan of e's item.
func (r *rereader) scan(e *entry) ([]imagepull.Ref, bool) {
	if r.items = append(r.items, e.item); len(r.items) == releaseEvery {
		r.done()
	}
	return r.sc.Scan(e.item.Raw(), e.apiVersion, e.kind)
}

// done gives back the pages of the items read since the last release.
func (r *rereader) done() {
	if r.release != nil && len(r.items) > 0 {
		r.release(r.items)
	}
	r.items = r.items[:0]
}

// releaseEvery is how many items checkImages reads again between two
// releases of their pages: a few dozen pages at most stay mapped.
const releaseEvery = 32

// mentionsImage reports whether the item's bytes hold "image".
func (e *entry) mentionsImage() bool {
	if e.lines != nil {
		return e.lines.mentions
	}
	return bytes.Contains(e.item.Raw(), []byte("image"))
}

// imageLines returns imagepull.Candidates of the item's bytes.
func (e *entry) imageLines() (images []string, sure bool) {
	if e.lines != nil {
		return e.lines.images, e.lines.sure
	}
	return imagepull.Candidates(e.item.Raw())
}

// needsParse reports whether an item's image lines, read without a parse
// (imagepull.Candidates), hold a reference the check reports, or lines it
// cannot read so (sure is false).
func needsParse(c *imagepull.Checker, images []string, sure bool) (bool, error) {
	if !sure {
		return true, nil
	}
	for _, image := range images {
		s, err := c.Status(image)
		if err != nil {
			return false, err
		}
		if s.Finding() {
			return true, nil
		}
	}
	return false, nil
}

// hasRules reports whether any output entry has a mirror the node uses, or
// the Image blocks a registry: otherwise every image is pulled from where
// it says.
func hasRules(img *registriesconf.Image, outs []transform.Out) bool {
	if img != nil && len(img.BlockedRegistries) > 0 {
		return true
	}
	for _, o := range outs {
		for _, e := range o.Entries {
			if e.HasRealMirror() {
				return true
			}
		}
	}
	return false
}
