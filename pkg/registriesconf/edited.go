package registriesconf

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	apicfgv1 "github.com/openshift/api/config/v1"
	apioperatorsv1alpha1 "github.com/openshift/api/operator/v1alpha1"

	"github.com/mirrorset/mirrorset/pkg/mirror"
)

// Edited is what Render writes to registries.conf, before it is encoded:
// the MCO's renderer applied to the template, without the checks that
// Render runs first and without the encoding. Rewritten is false when the
// MCO keeps the template as it is. Two inputs whose Edited are equal get
// the same bytes from Render, so comparing them tells cheaply that a
// change leaves the nodes' file as it is; only for sets that Render
// accepts.
type Edited struct {
	Conf      sysregistriesv2.V2RegistriesConf
	Rewritten bool
}

// Edit returns the Edited form of what Render renders from sets and opts.
// It gives the MCO's renderer each kind's entries once (see distinct).
func Edit(sets []mirror.Set, opts Options) (*Edited, error) {
	in, err := prepare(distinct(sets), opts)
	if err != nil {
		return nil, err
	}
	e := &Edited{}
	if _, err := toml.Decode(string(in.template), &e.Conf); err != nil {
		return nil, fmt.Errorf("error unmarshalling registries config: %w", err)
	}
	if in.writes() {
		if err := editRegistries(&e.Conf, in.insecure, in.lists.registriesBlocked, in.icsp, in.idms, in.itms); err != nil {
			return nil, err
		}
		e.Rewritten = true
	}
	return e, nil
}

// prepared is what Render and Edit take from the sets and options before
// the MCO's renderer runs.
type prepared struct {
	template []byte
	insecure []string
	lists    registryLists
	icsp     []*apioperatorsv1alpha1.ImageContentSourcePolicy
	idms     []*apicfgv1.ImageDigestMirrorSet
	itms     []*apicfgv1.ImageTagMirrorSet
}

func prepare(sets []mirror.Set, opts Options) (*prepared, error) {
	in := &prepared{template: opts.Template}
	if len(in.template) == 0 {
		in.template = []byte(BaseTemplate)
	}
	in.icsp, in.idms, in.itms = Typed(sets)
	if opts.Image != nil {
		in.insecure = opts.Image.InsecureRegistries
	}
	var err error
	if in.lists, err = blockedAndAllowed(opts.ReleaseImage, opts.Image, in.icsp, in.idms); err != nil {
		return nil, err
	}
	return in, nil
}

// writes is the MCO's condition for writing registries.conf
// (registriesConfigIgnition): something to put in it; an object with no
// entries still counts.
func (in *prepared) writes() bool {
	return in.insecure != nil || in.lists.registriesBlocked != nil || len(in.icsp) != 0 || len(in.idms) != 0 || len(in.itms) != 0
}

// distinct returns, for each kind among sets, one set of that kind holding
// its distinct entries that name a mirror other than the source, in the
// order they first come. The MCO's renderer (EditRegistriesConfig, and the
// payload check's rendering in blockedAndAllowed) reads the mirror objects
// only through its merge of their entries (mergedDigestMirrorSets,
// mergedTagMirrorSets), which skips an entry without such a mirror, notes
// a source never contacted if any entry of it says so, and sorts each
// source's mirrors from the set of edges its lists make (topoGraph keeps
// them in maps; Sorted orders by name where the edges leave a choice): an
// entry that repeats one before it, in any object, adds nothing. Whether
// the renderer writes the file at all (prepared.writes) asks only whether
// there is an object of a kind, which one set of each kind keeps. A list
// of a hundred thousand items repeats each source's few lists thousands of
// times.
func distinct(sets []mirror.Set) []mirror.Set {
	type key struct {
		kind   mirror.Kind
		source string
		policy mirror.Policy
	}
	seen := map[key]*distinctLists{}
	var out []mirror.Set
	at := map[mirror.Kind]int{} // the kind's set in out
	for i := range sets {
		s := &sets[i]
		j, ok := at[s.Kind]
		if !ok {
			j = len(out)
			at[s.Kind] = j
			out = append(out, mirror.Set{Kind: s.Kind, Name: s.Name, Item: s.Item, File: s.File, FileIndex: s.FileIndex})
		}
		for _, e := range s.Entries {
			if !e.HasRealMirror() {
				continue
			}
			k := key{s.Kind, e.Source, e.Policy}
			d := seen[k]
			if d == nil {
				d = &distinctLists{}
				seen[k] = d
			}
			if d.add(e.Mirrors) {
				out[j].Entries = append(out[j].Entries, e)
			}
		}
	}
	return out
}

// distinctLists are the lists of mirrors met for one source: compared one
// by one while they are few, as a source's lists usually are, and by a
// key of each past that.
type distinctLists struct {
	few  [][]string
	many map[string]bool
}

// add reports whether l is new, and records it.
func (d *distinctLists) add(l []string) bool {
	if d.many == nil {
		for _, f := range d.few {
			if slices.Equal(f, l) {
				return false
			}
		}
		if d.few = append(d.few, l); len(d.few) <= fewLists {
			return true
		}
		d.many = map[string]bool{}
		for _, f := range d.few {
			d.many[listKey(f)] = true
		}
		d.few = nil
		return true
	}
	k := listKey(l)
	if d.many[k] {
		return false
	}
	d.many[k] = true
	return true
}

// fewLists is how many lists distinctLists compares one by one.
const fewLists = 16

// listKey is l as one string, each mirror after its length.
func listKey(l []string) string {
	var b strings.Builder
	for _, m := range l {
		b.WriteString(strconv.Itoa(len(m)))
		b.WriteByte(':')
		b.WriteString(m)
	}
	return b.String()
}
