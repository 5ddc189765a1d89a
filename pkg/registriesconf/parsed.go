package registriesconf

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"
)

// Parsed is a registries.conf loaded by containers/image itself, as CRI-O
// loads it on the node. containers/image reads configuration from files
// only, so Parse writes conf to a memory file (Linux) or a private folder,
// which Close removes.
type Parsed struct {
	dir     string
	release func()
	sys     *types.SystemContext

	indexOnce sync.Once
	index     *registryIndex // nil when the registries did not load
	closed    bool
}

// Parse loads conf with containers/image, with no drop-in files, and
// returns its errors (bad TOML, conflicting or invalid entries).
func Parse(conf []byte) (*Parsed, error) {
	if path, release, ok := memFile(conf); ok {
		p := &Parsed{release: release, sys: &types.SystemContext{
			SystemRegistriesConfPath: path,
			// Not a folder: no drop-ins, not even the host's.
			SystemRegistriesConfDirPath: path + ".d",
		}}
		return p.loaded()
	}
	dir, err := os.MkdirTemp("", "mirrorset-registries-")
	if err != nil {
		return nil, fmt.Errorf("parse registries.conf: %w", err)
	}
	path := filepath.Join(dir, "registries.conf")
	if err := os.WriteFile(path, conf, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("parse registries.conf: %w", err)
	}
	p := &Parsed{dir: dir, sys: &types.SystemContext{
		SystemRegistriesConfPath: path,
		// A folder that does not exist: no drop-ins, not even the host's.
		SystemRegistriesConfDirPath: filepath.Join(dir, "registries.conf.d"),
	}}
	return p.loaded()
}

// loaded loads the file now, bypassing the cache, so that errors show here.
func (p *Parsed) loaded() (*Parsed, error) {
	if _, err := sysregistriesv2.TryUpdatingCache(p.sys); err != nil {
		p.Close()
		return nil, fmt.Errorf("parse registries.conf: %w", err)
	}
	return p, nil
}

// SystemContext points containers/image at the parsed file.
func (p *Parsed) SystemContext() *types.SystemContext { return p.sys }

// FindRegistry returns the [[registry]] entry containers/image uses for ref
// (a host, repository or image reference), or nil when none matches: what
// sysregistriesv2.FindRegistry returns, from an index of the prefixes
// built on the first call, at a cost that follows the length of ref
// rather than the number of entries.
func (p *Parsed) FindRegistry(ref string) (*sysregistriesv2.Registry, error) {
	x := p.indexed()
	if x == nil {
		// containers/image's own answer, and its error.
		return sysregistriesv2.FindRegistry(p.sys, ref)
	}
	return x.find(ref), nil
}

// RegistryAt is FindRegistry without the copy: the position of the entry
// among Registries' (-1 when none matches) and the entry itself, which the
// caller must not change. ok is false when the registries did not load or
// p is closed; FindRegistry then gives containers/image's answer.
func (p *Parsed) RegistryAt(ref string) (i int, reg *sysregistriesv2.Registry, ok bool) {
	x := p.indexed()
	if x == nil {
		return -1, nil, false
	}
	if i = x.at(ref); i < 0 {
		return -1, nil, true
	}
	return i, &x.regs[i], true
}

// Registries returns the [[registry]] entries as containers/image loaded
// them (sysregistriesv2.GetRegistries), in the positions RegistryAt gives,
// shared: the caller must not change them.
func (p *Parsed) Registries() ([]sysregistriesv2.Registry, error) {
	if x := p.indexed(); x != nil {
		return x.regs, nil
	}
	return sysregistriesv2.GetRegistries(p.sys)
}

// indexed returns the index of the entries' prefixes, built on the first
// call, or nil when the entries did not load or p is closed.
func (p *Parsed) indexed() *registryIndex {
	p.indexOnce.Do(func() {
		if regs, err := sysregistriesv2.GetRegistries(p.sys); err == nil && !p.closed {
			p.index = newRegistryIndex(regs)
		}
	})
	if p.closed {
		return nil
	}
	return p.index
}

// Close removes the file and drops containers/image's cache of it.
func (p *Parsed) Close() error {
	p.closed = true
	var err error
	if p.release != nil {
		p.release()
	} else {
		err = os.RemoveAll(p.dir)
	}
	// The cache is keyed by path; other open Parsed values reload theirs.
	sysregistriesv2.InvalidateCache()
	return err
}
