package examples_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var argocdExample = filepath.Join(root, "examples", "argocd")

// cmpServer starts Argo CD's real config management plugin server with
// examples/argocd/plugin.yaml, as the sidecar runs it, on a unix socket in a
// temporary folder, and returns that folder (ARGOCD_PLUGINSOCKFILEPATH). The
// sidecar's PATH is played by examples/argocd (the generate command) and bin/
// (kustomize and mirrorset).
func cmpServer(t *testing.T) string {
	t.Helper()
	server := bin(t, "argocd-cmp-server")
	bin(t, "kustomize")
	bin(t, "mirrorset")
	dir := t.TempDir()
	sockets := filepath.Join(dir, "plugins")
	work := filepath.Join(dir, "work")
	for _, d := range []string{sockets, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(server, "--config-dir-path", argocdExample, "--logformat", "text")
	cmd.Env = toolEnv("PATH="+argocdExample+string(os.PathListSeparator)+filepath.Join(root, "bin")+
		string(os.PathListSeparator)+os.Getenv("PATH"),
		"ARGOCD_PLUGINSOCKFILEPATH="+sockets, "ARGOCD_CMP_WORKDIR="+work)
	log := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting argocd-cmp-server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		// On SIGTERM the server only removes its socket and goes on serving
		// (the kubelet kills it in the end), so kill it outright.
		_ = cmd.Process.Kill()
		<-done
		t.Logf("argocd-cmp-server log:\n%s", log.String())
	})

	sock := filepath.Join(sockets, "mirrorset.sock")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if fi, err := os.Stat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return sockets
		}
		select {
		case err := <-done:
			t.Fatalf("argocd-cmp-server exited before serving: %v\n%s", err, log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("argocd-cmp-server did not create %s in 30s:\n%s", sock, log.String())
		}
	}
}

// TestArgoCDPlugin sends the example repository to the plugin server the way
// Argo CD's repo server does, for the example Application, and checks the
// manifests that come back.
func TestArgoCDPlugin(t *testing.T) {
	t.Parallel()
	client := bin(t, "argocd-cmp-client")
	sockets := cmpServer(t)
	env := []string{"ARGOCD_PLUGINSOCKFILEPATH=" + sockets}

	t.Run("example application", func(t *testing.T) {
		t.Parallel()
		r := mustRun(t, root, "", env, client,
			"-application", filepath.Join(argocdExample, "application.yaml"),
			"-repo", filepath.Join(argocdExample, "repo"))
		wantReleaseIDMS(t, objects(t, r.stdout), "release", "NeverContactSource")
	})

	t.Run("parameters", func(t *testing.T) {
		t.Parallel()
		app := strings.Replace(readFiles(t, argocdExample)["application.yaml"],
			"      - name: defaultMirrorSourcePolicy\n        string: NeverContactSource\n",
			"      - name: layout\n        string: per-registry\n", 1)
		if !strings.Contains(app, "per-registry") {
			t.Fatalf("examples/argocd/application.yaml no longer sets defaultMirrorSourcePolicy")
		}
		appFile := filepath.Join(t.TempDir(), "application.yaml")
		writeFile(t, appFile, app)
		r := mustRun(t, root, "", env, client, "-application", appFile, "-repo", filepath.Join(argocdExample, "repo"))
		nodes := objects(t, r.stdout)
		// One object per source registry, named after it, with no policy set.
		wantReleaseIDMS(t, nodes, "quay.io", "")
	})

	t.Run("folder without a kustomization", func(t *testing.T) {
		t.Parallel()
		repo := copyDir(t, filepath.Join(argocdExample, "repo"))
		if err := os.Remove(filepath.Join(repo, "clusters", "prod", "mirrors", "kustomization.yaml")); err != nil {
			t.Fatal(err)
		}
		r := mustRun(t, root, "", env, client, "-application", filepath.Join(argocdExample, "application.yaml"), "-repo", repo)
		wantReleaseIDMS(t, objects(t, r.stdout), "release", "NeverContactSource")
	})

	t.Run("function error", func(t *testing.T) {
		t.Parallel()
		repo := copyDir(t, filepath.Join(argocdExample, "repo"))
		writeFile(t, filepath.Join(repo, "clusters", "prod", "mirrors", "icsp-release.yaml"), brokenICSP)
		r := run(t, root, "", env, client, "-application", filepath.Join(argocdExample, "application.yaml"), "-repo", repo)
		if r.code == 0 {
			t.Fatalf("the plugin returned manifests for a tagged source:\n%s", r.stdout)
		}
		wantBrokenMessage(t, r.stderr)
		if !strings.Contains(r.stderr, "`mirrorset-cmp-generate` failed") {
			t.Errorf("the error does not name the plugin's command:\n%s", r.stderr)
		}
	})
}

// lockedBuffer collects the server's log while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
