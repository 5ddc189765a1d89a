// Command argocd-cmp-client asks a running config management plugin server for
// an Application's manifests the way Argo CD's repo server does: it finds the
// plugin through discovery.DetectConfigManagementPlugin, streams the repository
// with cmp.SendRepoStream and the ARGOCD_APP_* environment, and prints the
// manifests that come back, one YAML document each, or the server's error.
//
// It reads the Application from a manifest (-application) and the repository
// from a local folder (-repo), so tests need no cluster and no Git server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	argoio "github.com/argoproj/argo-cd/v3/util/io"
	grpcretry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"sigs.k8s.io/yaml"
)

func main() {
	application := flag.String("application", "", "Application manifest whose spec.source names the path and plugin")
	repo := flag.String("repo", "", "local folder standing for the Git repository at spec.source.repoURL")
	revision := flag.String("revision", "0123456789abcdef0123456789abcdef01234567", "commit SHA passed as ARGOCD_APP_REVISION")
	kubeVersion := flag.String("kube-version", "1.34.0", "passed as KUBE_VERSION")
	flag.Parse()
	if *application == "" || *repo == "" {
		fmt.Fprintln(os.Stderr, "usage: argocd-cmp-client -application FILE -repo DIR")
		os.Exit(2)
	}
	manifests, err := generate(context.Background(), *application, *repo, *revision, *kubeVersion)
	if err != nil {
		fmt.Fprintln(os.Stderr, "argocd-cmp-client:", err)
		os.Exit(1)
	}
	for _, m := range manifests {
		fmt.Printf("---\n%s\n", strings.TrimRight(m, "\n"))
	}
}

func generate(ctx context.Context, applicationFile, repo, revision, kubeVersion string) ([]string, error) {
	raw, err := os.ReadFile(applicationFile)
	if err != nil {
		return nil, fmt.Errorf("reading application: %w", err)
	}
	var app v1alpha1.Application
	if err := yaml.UnmarshalStrict(raw, &app); err != nil {
		return nil, fmt.Errorf("decoding application %s: %w", applicationFile, err)
	}
	src := app.Spec.Source
	if src == nil || src.Plugin == nil {
		return nil, fmt.Errorf("application %s: spec.source.plugin is not set", app.Name)
	}
	repoRoot, err := filepath.Abs(repo)
	if err != nil {
		return nil, fmt.Errorf("resolving repository folder: %w", err)
	}
	appPath := filepath.Join(repoRoot, src.Path)
	env, err := pluginEnv(&app, revision, kubeVersion)
	if err != nil {
		return nil, err
	}

	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, appPath, repoRoot, src.Plugin.Name, env, nil)
	if err != nil {
		return nil, fmt.Errorf("detecting plugin: %w", err)
	}
	defer argoio.Close(conn)

	stream, err := client.GenerateManifest(ctx, grpcretry.Disable())
	if err != nil {
		return nil, fmt.Errorf("opening manifest stream: %w", err)
	}
	if err := cmp.SendRepoStream(stream.Context(), appPath, repoRoot, stream, env, nil); err != nil {
		return nil, fmt.Errorf("sending repository: %w", err)
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return nil, fmt.Errorf("generating manifests: %w", err)
	}
	if len(resp.Manifests) == 0 {
		return nil, errors.New("plugin returned no manifests")
	}
	return resp.Manifests, nil
}

// pluginEnv builds the environment the repo server sends along: the build
// environment, the Kubernetes version, then the Application's plugin env
// (ARGOCD_ENV_*, with $VAR expanded from the build environment) and parameters.
func pluginEnv(app *v1alpha1.Application, revision, kubeVersion string) ([]string, error) {
	src := app.Spec.Source
	short := func(n int) string { return revision[:min(n, len(revision))] }
	build := v1alpha1.Env{
		{Name: "ARGOCD_APP_NAME", Value: app.Name},
		{Name: "ARGOCD_APP_NAMESPACE", Value: app.Spec.Destination.Namespace},
		{Name: "ARGOCD_APP_PROJECT_NAME", Value: app.Spec.Project},
		{Name: "ARGOCD_APP_REVISION", Value: revision},
		{Name: "ARGOCD_APP_REVISION_SHORT", Value: short(7)},
		{Name: "ARGOCD_APP_REVISION_SHORT_8", Value: short(8)},
		{Name: "ARGOCD_APP_SOURCE_REPO_URL", Value: src.RepoURL},
		{Name: "ARGOCD_APP_SOURCE_PATH", Value: src.Path},
		{Name: "ARGOCD_APP_SOURCE_TARGET_REVISION", Value: src.TargetRevision},
		{Name: "KUBE_VERSION", Value: kubeVersion},
		{Name: "KUBE_API_VERSIONS", Value: ""},
	}
	env := build.Environ()
	for _, e := range src.Plugin.Env {
		env = append(env, fmt.Sprintf("ARGOCD_ENV_%s=%s", e.Name, build.Envsubst(e.Value)))
	}
	params, err := src.Plugin.Parameters.Environ()
	if err != nil {
		return nil, fmt.Errorf("application %s: plugin parameters: %w", app.Name, err)
	}
	return append(env, params...), nil
}
