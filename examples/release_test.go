package examples_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// releaseVersion is what the test releases as.
const releaseVersion = "v0.0.0-test"

// TestRelease runs `make release` twice from this tree, each into its own
// folder, and checks what a user verifies: the checksums, that every binary
// is a static executable for its platform and carries the version (the
// linux/amd64 one runs `mirrorset version`), the SBOM's module list, the
// image index and its labels; and that the second run gives the same
// binaries, SBOM and image digests as the first.
func TestRelease(t *testing.T) {
	t.Parallel()
	dists := [2]string{t.TempDir(), t.TempDir()}
	for i, dist := range dists {
		start := time.Now()
		mustRun(t, root, "", nil, "make", "release", "VERSION="+releaseVersion, "DIST="+dist)
		t.Logf("make release #%d: %s", i+1, time.Since(start).Round(time.Second))
	}
	dist := dists[0]
	name := func(suffix string) string { return filepath.Join(dist, "mirrorset_"+releaseVersion+"_"+suffix) }
	commit := strings.TrimSpace(mustRun(t, root, "", nil, "git", "rev-parse", "HEAD").stdout)

	t.Run("files", func(t *testing.T) {
		entries, err := os.ReadDir(dist)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		var want []string
		for _, s := range []string{"darwin_amd64", "darwin_arm64", "image.oci.tar", "linux_amd64", "linux_arm64", "sbom.cdx.json", "windows_amd64.exe"} {
			want = append(want, filepath.Base(name(s)))
		}
		want = append(want, "SHA256SUMS")
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s holds\n%s\nwant\n%s", dist, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("checksums", func(t *testing.T) {
		r := mustRun(t, dist, "", nil, "sha256sum", "--strict", "-c", "SHA256SUMS")
		if n := strings.Count(r.stdout, ": OK\n"); n != 7 {
			t.Errorf("sha256sum checked %d files, want 7:\n%s", n, r.stdout)
		}
	})

	t.Run("binaries", func(t *testing.T) {
		for _, tc := range []struct {
			platform string
			check    func(*testing.T, string)
		}{
			{"linux_amd64", elfFor(elf.EM_X86_64)},
			{"linux_arm64", elfFor(elf.EM_AARCH64)},
			{"darwin_amd64", machoFor(macho.CpuAmd64)},
			{"darwin_arm64", machoFor(macho.CpuArm64)},
			{"windows_amd64.exe", peFor(pe.IMAGE_FILE_MACHINE_AMD64)},
		} {
			t.Run(tc.platform, func(t *testing.T) {
				path := name(tc.platform)
				tc.check(t, path)
				bi, err := buildinfo.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				settings := map[string]string{}
				for _, s := range bi.Settings {
					settings[s.Key] = s.Value
				}
				if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
					t.Errorf("build settings %v: want CGO_ENABLED=0 and -trimpath", settings)
				}
				// -trimpath keeps -ldflags out of the build information: look
				// for the string that -X put in the binary instead.
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(b, []byte(releaseVersion)) {
					t.Errorf("%s does not hold the version %s", path, releaseVersion)
				}
			})
		}
		// The one this machine runs: the version the release was made as.
		r := mustRun(t, root, "", nil, name(runtime.GOOS+"_"+runtime.GOARCH), "version", "--output", "json")
		var v struct{ Version, Commit, GoVersion, Platform string }
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
			t.Fatal(err)
		}
		if v.Version != releaseVersion || v.Commit != commit || v.GoVersion != runtime.Version() || v.Platform != runtime.GOOS+"/"+runtime.GOARCH {
			t.Errorf("version %+v, want %s, commit %s, %s, %s/%s", v, releaseVersion, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		}
	})

	// The SBOM (cyclonedx-gomod mod) lists the modules that provide a
	// package to this module's packages, tests included: `go list -deps
	// -test ./...`. That is the module graph less what no build uses:
	// `go list -m all` also holds modules that only the go.mod files of
	// dependencies name (their tests, their other packages), which are in
	// no binary and would be false reports in a scanner. So: equal to the
	// modules of `go list -deps -test ./...`, each at its `go list -m all`
	// version, and covering every module compiled into the binaries.
	t.Run("sbom", func(t *testing.T) {
		b, err := os.ReadFile(name("sbom.cdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		var bom struct {
			BOMFormat   string `json:"bomFormat"`
			SpecVersion string `json:"specVersion"`
			Metadata    struct {
				Component struct{ Name string } `json:"component"`
			} `json:"metadata"`
			Components []struct{ Name, Version, Purl string } `json:"components"`
		}
		if err := json.Unmarshal(b, &bom); err != nil {
			t.Fatal(err)
		}
		if bom.BOMFormat != "CycloneDX" || bom.SpecVersion == "" || bom.Metadata.Component.Name != "github.com/mirrorset/mirrorset" {
			t.Errorf("not a CycloneDX BOM of the module: format %q, spec %q, component %q", bom.BOMFormat, bom.SpecVersion, bom.Metadata.Component.Name)
		}
		var got []string
		for _, c := range bom.Components {
			got = append(got, c.Name+" "+c.Version)
			if !strings.HasPrefix(c.Purl, "pkg:golang/"+c.Name+"@"+c.Version) {
				t.Errorf("component %s %s: purl %q", c.Name, c.Version, c.Purl)
			}
		}
		slices.Sort(got)

		// The modules of every platform the release builds: some are used on
		// one only (cobra's mousetrap, on windows).
		var deps strings.Builder
		for _, platform := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"} {
			goos, goarch, _ := strings.Cut(platform, "/")
			deps.WriteString(mustRun(t, root, "", []string{"GOOS=" + goos, "GOARCH=" + goarch}, "go", "list", "-deps", "-test", "-f", "{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}}{{end}}{{end}}", "./...").stdout)
		}
		used := lines(deps.String())
		if !slices.Equal(got, used) {
			t.Errorf("SBOM modules:\n%s\nwant those of go list -deps -test ./... on the release's platforms:\n%s", strings.Join(got, "\n"), strings.Join(used, "\n"))
		}
		all := lines(mustRun(t, root, "", nil, "go", "list", "-m", "-f", "{{if not .Main}}{{.Path}} {{.Version}}{{end}}", "all").stdout)
		for _, m := range got {
			if _, found := slices.BinarySearch(all, m); !found {
				t.Errorf("SBOM module %s is not in go list -m all", m)
			}
		}
		bi, err := buildinfo.ReadFile(name("linux_amd64"))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range bi.Deps {
			if _, found := slices.BinarySearch(got, d.Path+" "+d.Version); !found {
				t.Errorf("module %s %s is in the binary but not in the SBOM", d.Path, d.Version)
			}
		}
		t.Logf("SBOM: %d modules; go list -m all: %d; in the linux/amd64 binary: %d", len(got), len(all), len(bi.Deps))
	})

	t.Run("image", func(t *testing.T) {
		index, images := ociImages(t, name("image.oci.tar"))
		t.Logf("image index %s", index)
		for _, arch := range []string{"amd64", "arm64"} {
			img, ok := images[arch]
			if !ok {
				t.Errorf("no linux/%s image in the index", arch)
				continue
			}
			labels := img.config.Config.Labels
			for label, want := range map[string]string{
				"org.opencontainers.image.version":  releaseVersion,
				"org.opencontainers.image.revision": commit,
				"org.opencontainers.image.created":  commitTime(t),
			} {
				if labels[label] != want {
					t.Errorf("linux/%s: label %s = %q, want %q", arch, label, labels[label], want)
				}
			}
			if img.config.Created != commitTime(t) {
				t.Errorf("linux/%s: created %q, want the commit time %q", arch, img.config.Created, commitTime(t))
			}
			// The image's binary is the release's, byte for byte.
			if got, want := img.files["mirrorset"], sha256File(t, name("linux_"+arch)); got != want {
				t.Errorf("linux/%s: /mirrorset has sha256 %s, the release binary %s", arch, got, want)
			}
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		sums := func(dist string) map[string]string {
			b, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			for _, l := range lines(string(b)) {
				sum, file, _ := strings.Cut(l, "  ")
				m[file] = sum
			}
			return m
		}
		first, second := sums(dists[0]), sums(dists[1])
		for file, sum := range first {
			if strings.HasSuffix(file, ".oci.tar") {
				continue // the archive's own bytes are not promised, its digests are
			}
			if second[file] != sum {
				t.Errorf("%s: sha256 %s, then %s", file, sum, second[file])
			}
		}
		i1, images1 := ociImages(t, filepath.Join(dists[0], "mirrorset_"+releaseVersion+"_image.oci.tar"))
		i2, images2 := ociImages(t, filepath.Join(dists[1], "mirrorset_"+releaseVersion+"_image.oci.tar"))
		if i1 != i2 {
			t.Errorf("image index digest %s, then %s", i1, i2)
		}
		for arch, img := range images1 {
			if images2[arch].digest != img.digest {
				t.Errorf("linux/%s image digest %s, then %s", arch, img.digest, images2[arch].digest)
			}
		}
	})
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// commitTime is the images' time: SOURCE_DATE_EPOCH, by default the commit's.
func commitTime(t *testing.T) string {
	t.Helper()
	epoch := os.Getenv("SOURCE_DATE_EPOCH")
	if epoch == "" {
		epoch = mustRun(t, root, "", nil, "git", "log", "-1", "--format=%ct").stdout
	}
	var sec int64
	if _, err := fmt.Sscan(epoch, &sec); err != nil {
		t.Fatal(err)
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A static Linux executable for machine: no program interpreter.
func elfFor(machine elf.Machine) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		f, err := elf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Machine != machine || f.Type != elf.ET_EXEC {
			t.Errorf("%s: %v %v, want %v ET_EXEC", path, f.Machine, f.Type, machine)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s is dynamically linked", path)
			}
		}
	}
}

func machoFor(cpu macho.Cpu) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		f, err := macho.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Cpu != cpu || f.Type != macho.TypeExec {
			t.Errorf("%s: %v %v, want %v executable", path, f.Cpu, f.Type, cpu)
		}
	}
}

func peFor(machine uint16) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		f, err := pe.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Machine != machine || f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
			t.Errorf("%s: machine %#x, characteristics %#x, want %#x executable", path, f.Machine, f.Characteristics, machine)
		}
	}
}

// ociImage is one platform's image in an OCI archive.
type ociImage struct {
	digest string
	config struct {
		Created string
		Config  struct{ Labels map[string]string }
	}
	files map[string]string // path in the image: sha256 of its content
}

// ociImages reads an OCI archive with one image index: its digest, and
// each linux image in it by architecture.
func ociImages(t *testing.T, archive string) (string, map[string]ociImage) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blobs := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		blobs[strings.TrimPrefix(h.Name, "./")] = b
	}
	type descriptor struct {
		MediaType string
		Digest    string
		Platform  struct{ Architecture, OS string }
	}
	blob := func(d descriptor, v any) []byte {
		t.Helper()
		b, ok := blobs["blobs/"+strings.Replace(d.Digest, ":", "/", 1)]
		if !ok {
			t.Fatalf("%s: no blob %s", archive, d.Digest)
		}
		if s := sha256.Sum256(b); "sha256:"+hex.EncodeToString(s[:]) != d.Digest {
			t.Fatalf("%s: blob %s does not match its digest", archive, d.Digest)
		}
		if v != nil {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatalf("%s: %s: %v", archive, d.Digest, err)
			}
		}
		return b
	}
	var layout struct{ Manifests []descriptor }
	if err := json.Unmarshal(blobs["index.json"], &layout); err != nil || len(layout.Manifests) != 1 {
		t.Fatalf("%s: index.json: %v, %d manifests, want 1", archive, err, len(layout.Manifests))
	}
	top := layout.Manifests[0]
	if top.MediaType != "application/vnd.oci.image.index.v1+json" {
		t.Fatalf("%s: %s, want an image index", archive, top.MediaType)
	}
	var index struct{ Manifests []descriptor }
	blob(top, &index)
	images := map[string]ociImage{}
	for _, m := range index.Manifests {
		if m.Platform.OS != "linux" {
			t.Errorf("%s: platform %s/%s", archive, m.Platform.OS, m.Platform.Architecture)
			continue
		}
		var manifest struct {
			Config descriptor
			Layers []descriptor
		}
		blob(m, &manifest)
		img := ociImage{digest: m.Digest, files: map[string]string{}}
		blob(manifest.Config, &img.config)
		for _, l := range manifest.Layers {
			layerFiles(t, blob(l, nil), l.MediaType, img.files)
		}
		images[m.Platform.Architecture] = img
	}
	return top.Digest, images
}

// layerFiles adds the sha256 of each regular file of a gzip-compressed (or
// plain) layer to files.
func layerFiles(t *testing.T, layer []byte, mediaType string, files map[string]string) {
	t.Helper()
	var r io.Reader = bytes.NewReader(layer)
	if strings.HasSuffix(mediaType, "+gzip") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("layer %s: %v", mediaType, err)
		}
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("layer %s: %v", mediaType, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		s := sha256.New()
		if _, err := io.Copy(s, tr); err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(path.Clean("/"+h.Name), "/")] = hex.EncodeToString(s.Sum(nil))
	}
}
