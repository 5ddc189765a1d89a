package registriesconf_test

import (
	"errors"
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
)

func TestDecodeImage(t *testing.T) {
	const head = "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\n"
	tests := []struct {
		name      string
		yaml      string
		want      *registriesconf.Image
		wantField string // the field a *mirror.FieldError names
	}{{
		name: "all lists",
		yaml: head + "spec:\n  registrySources:\n    insecureRegistries: [a.example.com]\n    blockedRegistries: [b.example.com, '*.c.example.com']\n    allowedRegistries: []\n",
		want: &registriesconf.Image{Name: "cluster", InsecureRegistries: []string{"a.example.com"},
			BlockedRegistries: []string{"b.example.com", "*.c.example.com"}, AllowedRegistries: []string{}},
	}, {
		name: "no spec",
		yaml: head,
		want: &registriesconf.Image{Name: "cluster"},
	}, {
		name: "null list is unset",
		yaml: head + "spec:\n  registrySources:\n    insecureRegistries: null\n",
		want: &registriesconf.Image{Name: "cluster"},
	}, {
		name:      "list of numbers",
		yaml:      head + "spec:\n  registrySources:\n    blockedRegistries: [5]\n",
		wantField: "spec.registrySources.blockedRegistries[0]",
	}, {
		name:      "string for a list",
		yaml:      head + "spec:\n  registrySources:\n    insecureRegistries: a.example.com\n",
		wantField: "spec.registrySources.insecureRegistries",
	}, {
		name:      "registrySources not a map",
		yaml:      head + "spec:\n  registrySources: []\n",
		wantField: "spec.registrySources",
	}, {
		name:      "no name",
		yaml:      "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {}\n",
		wantField: "metadata.name",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			node, err := yaml.Parse(tc.yaml)
			if err != nil {
				t.Fatal(err)
			}
			got, err := registriesconf.DecodeImage(node)
			if tc.wantField != "" {
				var fe *mirror.FieldError
				if !errors.As(err, &fe) || fe.Field != tc.wantField {
					t.Fatalf("error %v, want a field error on %s", err, tc.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestValidateImage(t *testing.T) {
	tests := []struct {
		img  registriesconf.Image
		fail bool
	}{
		{img: registriesconf.Image{Name: "cluster", InsecureRegistries: []string{"a.example.com:5000/x", "*.b.example.com"}}},
		{img: registriesconf.Image{Name: "cluster", InsecureRegistries: []string{"a.example.com/x:tag"}}, fail: true},
		{img: registriesconf.Image{Name: "cluster", BlockedRegistries: []string{"*.b.example.com:5000"}}, fail: true},
		{img: registriesconf.Image{Name: "cluster", BlockedRegistries: []string{}, AllowedRegistries: []string{}}, fail: true},
		{img: registriesconf.Image{Name: "cluster", AllowedRegistries: []string{"quay.io"}}},
	}
	for _, tc := range tests {
		err := registriesconf.ValidateImage(&tc.img)
		if (err != nil) != tc.fail {
			t.Errorf("ValidateImage(%+v) = %v, want failure %v", tc.img, err, tc.fail)
		}
	}
}
