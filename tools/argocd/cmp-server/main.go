// Command argocd-cmp-server is Argo CD's config management plugin server, the
// process that runs in a repo-server sidecar, built on its own so that the
// end-to-end tests can start it without an Argo CD installation.
package main

import (
	"os"

	"github.com/argoproj/argo-cd/v3/cmd/argocd-cmp-server/commands"
)

func main() {
	if err := commands.NewCommand().Execute(); err != nil {
		os.Exit(1)
	}
}
