package examples_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestCatalogMetadata: metadata.yaml has the fields of a kpt functions
// catalog entry, and its example packages are folders of this repository
// that hold a Kptfile or a kpt e2e case.
func TestCatalogMetadata(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(root, "metadata.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Image              string   `yaml:"image"`
		Description        string   `yaml:"description"`
		Tags               []string `yaml:"tags"`
		SourceURL          string   `yaml:"sourceURL"`
		ExamplePackageURLs []string `yaml:"examplePackageURLs"`
		Emails             []string `yaml:"emails"`
		License            string   `yaml:"license"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&md); err != nil {
		t.Fatalf("metadata.yaml: %v", err)
	}
	if md.Image == "" || md.Description == "" || len(md.Tags) == 0 || md.SourceURL == "" || len(md.ExamplePackageURLs) == 0 || len(md.Emails) == 0 || md.License == "" {
		t.Fatalf("metadata.yaml misses a field: %+v", md)
	}
	for _, u := range md.ExamplePackageURLs {
		rel, ok := strings.CutPrefix(u, md.SourceURL+"/tree/main/")
		if !ok {
			t.Errorf("%s is not under %s/tree/main/", u, md.SourceURL)
			continue
		}
		dir := filepath.Join(root, filepath.FromSlash(rel))
		_, errK := os.Stat(filepath.Join(dir, "Kptfile"))
		_, errE := os.Stat(filepath.Join(dir, ".expected", "config.yaml"))
		if errK != nil && errE != nil {
			t.Errorf("%s: no Kptfile nor .expected/config.yaml in %s", u, dir)
		}
	}
}
