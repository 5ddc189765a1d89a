package krm

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
	"github.com/mirrorset/mirrorset/pkg/result"
)

// frameworkExecute is processList as kyaml's framework runs it: the
// reference that processList, written without the framework's packages,
// must match.
func frameworkExecute(data []byte) ([]byte, result.Results, error) {
	var out bytes.Buffer
	var results result.Results
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		if err := resolveAliases(rl.FunctionConfig, rl.Items); err != nil {
			results = result.Results{{Severity: result.Error, Message: "reading the ResourceList: " + err.Error()}}
		} else {
			rl.Items, results = Process(rl.Items, rl.FunctionConfig)
		}
		rl.Results = frameworkResults(results)
		return nil
	})
	err := framework.Execute(p, &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: &out, KeepReaderAnnotations: true})
	return out.Bytes(), results, err
}

func frameworkResults(rs result.Results) framework.Results {
	out := make(framework.Results, 0, len(rs))
	for _, r := range rs {
		fr := &framework.Result{Message: r.Message, Severity: framework.Severity(r.Severity)}
		if r.ResourceRef != nil {
			fr.ResourceRef = &yaml.ResourceIdentifier{
				TypeMeta: yaml.TypeMeta{APIVersion: r.ResourceRef.APIVersion, Kind: r.ResourceRef.Kind},
				NameMeta: yaml.NameMeta{Name: r.ResourceRef.Name, Namespace: r.ResourceRef.Namespace},
			}
		}
		if r.Field != nil {
			fr.Field = &framework.Field{Path: r.Field.Path}
		}
		if r.File != nil {
			fr.File = &framework.File{Path: r.File.Path, Index: r.File.Index}
		}
		out = append(out, fr)
	}
	return out
}

// TestProcessListMatchesFramework runs every golden and catalogue input, and
// generated lists, through processList and through kyaml's framework: the
// same bytes, the same results, and an error from both or from neither.
func TestProcessListMatchesFramework(t *testing.T) {
	t.Parallel()
	inputs, err := filepath.Glob("testdata/*/*/input.yaml")
	if err != nil || len(inputs) < 80 {
		t.Fatalf("want the golden and catalogue inputs, got %d: %v", len(inputs), err)
	}
	cases := map[string][]byte{}
	for _, f := range inputs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[f] = b
	}
	for seed := range uint64(20) {
		var b bytes.Buffer
		if err := gen.ResourceList(&b, gen.Options{Items: 40, MirrorPercent: 40, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		cases[fmt.Sprintf("generated, seed %d", seed)] = b.Bytes()
	}
	lim, err := inputLimits()
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for name, in := range cases {
		// What RunFull refuses before the parse (alias bombs, depth) never
		// reaches processList.
		if _, err := readWhole(bytes.NewReader(in), lim); err != nil {
			continue
		}
		compared++
		var got bytes.Buffer
		gotResults, gotErr := processList(in, &got)
		want, wantResults, wantErr := frameworkExecute(in)
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("%s: processList error %v, framework error %v", name, gotErr, wantErr)
			continue
		}
		if gotErr != nil {
			continue
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: processList wrote\n%s\nthe framework\n%s", name, got.Bytes(), want)
		}
		if len(gotResults) != len(wantResults) {
			t.Errorf("%s: %d results, the framework %d", name, len(gotResults), len(wantResults))
		}
	}
	if compared < 80 {
		t.Errorf("compared %d inputs, want at least 80", compared)
	}
}
