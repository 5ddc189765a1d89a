package registriesconf

import (
	"bytes"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
)

// encode returns conf as the MCO writes it: in the bytes of BurntSushi's
// TOML encoder, which the MCO's updateRegistriesConfig runs. That encoder
// walks the struct by reflection and formats every value with fmt: 16 ms
// and most of the garbage of a rendering of three hundred registries. A
// conf of the form the renderer makes (below, plainConf) is written by
// writePlain in the encoder's bytes, which encode_test.go holds it to over
// generated configurations; any other goes to the encoder.
func encode(conf sysregistriesv2.V2RegistriesConf) ([]byte, error) {
	if plainConf(&conf) {
		return writePlain(&conf), nil
	}
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(conf); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// plainConf reports whether writePlain writes conf as the encoder does:
// no aliases, no empty but present list of registries (the encoder writes
// those as tables and arrays of their own), and every string of printable
// ASCII without a quote or a backslash, which the encoder writes between
// double quotes as it is (its dblQuotedReplacer changes nothing in it).
func plainConf(c *sysregistriesv2.V2RegistriesConf) bool {
	if c.Aliases != nil || (c.Registries != nil && len(c.Registries) == 0) {
		return false
	}
	for _, s := range c.UnqualifiedSearchRegistries {
		if !plainString(s) {
			return false
		}
	}
	for _, s := range c.CredentialHelpers {
		if !plainString(s) {
			return false
		}
	}
	if !plainString(c.ShortNameMode) || !plainString(c.AdditionalLayerStoreAuthHelper) {
		return false
	}
	for i := range c.Registries {
		r := &c.Registries[i]
		if !plainString(r.Prefix) || !plainEndpoint(&r.Endpoint) {
			return false
		}
		for j := range r.Mirrors {
			if !plainEndpoint(&r.Mirrors[j]) {
				return false
			}
		}
	}
	return true
}

func plainEndpoint(e *sysregistriesv2.Endpoint) bool {
	return plainString(e.Location) && plainString(e.PullFromMirror)
}

func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// writePlain writes a plainConf as BurntSushi's encoder (v1.5.0) does: a
// table's keys that hold values first, in the struct's order (an embedded
// struct's fields in its place), then its tables; each key indented two
// spaces a level below the top; a nil list, and an empty value of a field
// tagged omitempty, left out; an empty line before each table's header
// once anything is written.
func writePlain(c *sysregistriesv2.V2RegistriesConf) []byte {
	w := &plainWriter{}
	w.strings("", "unqualified-search-registries", c.UnqualifiedSearchRegistries)
	w.strings("", "credential-helpers", c.CredentialHelpers)
	w.str("", "short-name-mode", c.ShortNameMode)
	w.str("", "additional-layer-store-auth-helper", c.AdditionalLayerStoreAuthHelper)
	for i := range c.Registries {
		r := &c.Registries[i]
		w.header("[[registry]]")
		w.str("  ", "prefix", r.Prefix)
		w.endpoint("  ", &r.Endpoint)
		w.flag("  ", "blocked", r.Blocked)
		w.flag("  ", "mirror-by-digest-only", r.MirrorByDigestOnly)
		for j := range r.Mirrors {
			w.header("  [[registry.mirror]]")
			w.endpoint("    ", &r.Mirrors[j])
		}
	}
	return w.b
}

type plainWriter struct{ b []byte }

func (w *plainWriter) header(h string) {
	if len(w.b) > 0 {
		w.b = append(w.b, '\n')
	}
	w.b = append(w.b, h...)
	w.b = append(w.b, '\n')
}

// endpoint writes the fields of an Endpoint, each tagged omitempty.
func (w *plainWriter) endpoint(indent string, e *sysregistriesv2.Endpoint) {
	if e.Location != "" {
		w.str(indent, "location", e.Location)
	}
	w.flag(indent, "insecure", e.Insecure)
	if e.PullFromMirror != "" {
		w.str(indent, "pull-from-mirror", e.PullFromMirror)
	}
}

func (w *plainWriter) key(indent, key string) {
	w.b = append(w.b, indent...)
	w.b = append(w.b, key...)
	w.b = append(w.b, " = "...)
}

func (w *plainWriter) str(indent, key, v string) {
	w.key(indent, key)
	w.b = append(w.b, '"')
	w.b = append(w.b, v...)
	w.b = append(w.b, "\"\n"...)
}

// flag writes a bool tagged omitempty.
func (w *plainWriter) flag(indent, key string, v bool) {
	if v {
		w.key(indent, key)
		w.b = append(w.b, "true\n"...)
	}
}

// strings writes a list, unless it is nil.
func (w *plainWriter) strings(indent, key string, list []string) {
	if list == nil {
		return
	}
	w.key(indent, key)
	w.b = append(w.b, '[')
	for i, s := range list {
		if i > 0 {
			w.b = append(w.b, ", "...)
		}
		w.b = append(w.b, '"')
		w.b = append(w.b, s...)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, "]\n"...)
}
