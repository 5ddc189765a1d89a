// Package mirror defines the mirror-set objects that mirrorset works on
// (ImageContentSourcePolicy, ImageDigestMirrorSet, ImageTagMirrorSet), reduced
// to what a node sees of them: sources, mirrors and policies. The rest of
// mirrorset reasons about these small values, never about parsed YAML trees.
package mirror

import (
	"strconv"

	configv1 "github.com/openshift/api/config/v1"
)

// Kind is the kind of a mirror object.
type Kind string

// The kinds that mirrorset owns.
const (
	ICSP Kind = "ImageContentSourcePolicy"
	IDMS Kind = "ImageDigestMirrorSet"
	ITMS Kind = "ImageTagMirrorSet"
)

// Kinds whose mirror entries are a field of a larger object, each the
// digest mirrors of a cluster of its own: a HyperShift HostedCluster (its
// guest cluster) and an image-based install's ImageClusterInstall (the
// cluster it installs). KindOf does not return them: they are not mirror
// objects of the cluster the list is applied to.
const (
	HostedCluster       Kind = "HostedCluster"
	ImageClusterInstall Kind = "ImageClusterInstall"
)

// API versions of the mirror kinds.
const (
	ICSPAPIVersion = "operator.openshift.io/v1alpha1"
	SetAPIVersion  = "config.openshift.io/v1"
)

// Policy values, as the API spells them. The empty Policy means "not set",
// which the node treats as AllowContactingSource.
const (
	NeverContactSource    = configv1.NeverContactSource
	AllowContactingSource = configv1.AllowContactingSource
)

// Policy is an entry's mirrorSourcePolicy.
type Policy = configv1.MirrorSourcePolicy

// KindOf returns the mirror kind of an object, and false for anything else.
func KindOf(apiVersion, kind string) (Kind, bool) {
	switch {
	case apiVersion == ICSPAPIVersion && kind == string(ICSP):
		return ICSP, true
	case apiVersion == SetAPIVersion && kind == string(IDMS):
		return IDMS, true
	case apiVersion == SetAPIVersion && kind == string(ITMS):
		return ITMS, true
	}
	return "", false
}

// APIVersion returns the apiVersion that objects of kind k carry.
func (k Kind) APIVersion() string {
	switch k {
	case ICSP:
		return ICSPAPIVersion
	case HostedCluster:
		return "hypershift.openshift.io/v1beta1"
	case ImageClusterInstall:
		return "extensions.hive.openshift.io/v1alpha1"
	}
	return SetAPIVersion
}

// HasPolicy reports whether entries of kind k carry a mirrorSourcePolicy.
func (k Kind) HasPolicy() bool { return k != ICSP && k != HostedCluster }

// EntriesField returns the path of the entry list under the object, as the
// API names it.
func (k Kind) EntriesField() []string {
	switch k {
	case ICSP:
		return []string{"spec", "repositoryDigestMirrors"}
	case ITMS:
		return []string{"spec", "imageTagMirrors"}
	case HostedCluster:
		return []string{"spec", "imageContentSources"}
	case ImageClusterInstall:
		return []string{"spec", "imageDigestSources"}
	}
	return []string{"spec", "imageDigestMirrors"}
}

// Pool tells which node-side pool the entries of kind k join: ICSP and IDMS
// entries are used for digest pulls, ITMS entries for tag pulls.
func (k Kind) Pool() Pool {
	if k == ITMS {
		return TagPool
	}
	return DigestPool
}

// Pool is the kind of pull a mirror entry applies to.
type Pool int

// The two pools the Machine Config Operator keeps.
const (
	DigestPool Pool = iota
	TagPool
)

func (p Pool) String() string {
	if p == TagPool {
		return "tag"
	}
	return "digest"
}

// Entry is one mirror rule: pulls from Source are tried at Mirrors, in order.
type Entry struct {
	Source  string
	Mirrors []string
	Policy  Policy
}

// Set is one mirror object of a ResourceList.
type Set struct {
	Kind    Kind
	Name    string
	Entries []Entry

	// Item is the index of the ResourceList item the object came from (or,
	// for an object mirrorset made, whose place and file it takes).
	Item int
	// File is the object's config.kubernetes.io/path, for messages; FileIndex
	// its config.kubernetes.io/index.
	File      string
	FileIndex int
}

// Ref names the set in messages: `ImageDigestMirrorSet "foo" in x.yaml`.
func (s *Set) Ref() string {
	r := string(s.Kind) + " " + strconv.Quote(s.Name)
	if s.File != "" {
		r += " in " + s.File
	}
	return r
}

// EntryField returns the field path of entry i, as a result names it:
// "spec.imageDigestMirrors[2]".
func (s *Set) EntryField(i int) string {
	f := s.Kind.EntriesField()
	return f[0] + "." + f[1] + "[" + strconv.Itoa(i) + "]"
}

// HasRealMirror reports whether e names a mirror other than its source;
// the node ignores an entry without one, policy and all.
func (e Entry) HasRealMirror() bool {
	for _, m := range e.Mirrors {
		if m != e.Source {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of e.
func (e Entry) Clone() Entry {
	e.Mirrors = append([]string(nil), e.Mirrors...)
	return e
}

// Clone returns a deep copy of s.
func (s *Set) Clone() *Set {
	c := *s
	c.Entries = make([]Entry, len(s.Entries))
	for i, e := range s.Entries {
		c.Entries[i] = e.Clone()
	}
	return &c
}

// Values returns the sets themselves, in order, sharing their entries: the
// form the renderer and the MCO's checks take.
func Values(sets []*Set) []Set {
	out := make([]Set, len(sets))
	for i, s := range sets {
		out[i] = *s
	}
	return out
}

// Equal reports whether two entry lists are the same, element by element.
func Equal(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Source != b[i].Source || a[i].Policy != b[i].Policy || len(a[i].Mirrors) != len(b[i].Mirrors) {
			return false
		}
		for j := range a[i].Mirrors {
			if a[i].Mirrors[j] != b[i].Mirrors[j] {
				return false
			}
		}
	}
	return true
}
