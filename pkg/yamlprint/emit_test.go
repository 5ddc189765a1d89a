package yamlprint

import (
	"math/rand/v2"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestShortcuts checks analyze's and resolve's shortcuts against the whole
// analysis and Node.ShortTag, on random values made of the bytes that
// matter to them.
func TestShortcuts(t *testing.T) {
	t.Parallel()
	const alphabet = "aZ09/_.-@=+:~ #\t,?[]{}&*!|>'\"%`ynotfYNOTF\n\x00\u00e9\u2028"
	rng := rand.New(rand.NewPCG(1, 2))
	plain := 0
	for i := 0; i < 200000; i++ {
		b := make([]rune, rng.IntN(6))
		for j := range b {
			b[j] = []rune(alphabet)[rng.IntN(len([]rune(alphabet)))]
		}
		v := string(b)
		if got, want := analyze(v), analyzeAll(v); got != want {
			t.Fatalf("analyze(%q) = %+v, the whole analysis %+v", v, got, want)
		}
		if got, want := analyze(v), analyzeAll(v); got == everythingAllowed && want == everythingAllowed {
			plain++
		}
		r := yaml.Node{Kind: yaml.ScalarNode, Value: v}
		if got, want := resolve(v), r.ShortTag(); got != want {
			t.Fatalf("resolve(%q) = %s, ShortTag %s", v, got, want)
		}
	}
	for _, v := range []string{"true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "no", "off", "yes", "y", "~", "null", "Null", "NULL", "nil", ".inf", "-.INF", ".nan", "0x1f", "1_0", "<<", "Ok", "on"} {
		r := yaml.Node{Kind: yaml.ScalarNode, Value: v}
		if got, want := resolve(v), r.ShortTag(); got != want {
			t.Errorf("resolve(%q) = %s, ShortTag %s", v, got, want)
		}
	}
	if plain < 1000 {
		t.Errorf("only %d values were plain", plain)
	}
}
