package krm

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/resourcelist"
)

// LoudNodes is loudNodes, for the tests of package krm_test.
var LoudNodes = loudNodes

// DecodeStrings is decodeStrings on item i of a list read by the fast
// path, read as the predecoder reads it, with the default limits.
func DecodeStrings(it *resourcelist.Item, k mirror.Kind, i int) (*mirror.Set, bool, bool, error) {
	lim, err := inputLimits()
	if err != nil {
		return nil, false, false, err
	}
	var d stringsDecoder
	var w resourcelist.StringWalker
	e := &entry{apiVersion: it.APIVersion, kind: it.Kind, item: it, budget: newFastPathBudget(lim), pre: d.read(&w, it, k, map[string]string{})}
	set, local, ok := e.decodeStrings(k, i)
	return set, local, ok, nil
}

// Intern is intern, with strings of its own.
func Intern(s *mirror.Set) { intern(s, map[string]string{}) }

// LocalConfig reports the local-config annotation as decide reads it.
func LocalConfig(n *yaml.RNode) bool { return annotation(n, localConfig) == "true" }
