package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/mirrorset/mirrorset/pkg/imagelist"
	"github.com/mirrorset/mirrorset/pkg/imagepull"
)

const imagesUsage = `Usage: mirrorset images [flags] [FILE|DIR|-]...

List every image reference in the workloads (Pod, Deployment, StatefulSet,
DaemonSet, ReplicaSet, ReplicationController, PodTemplate, Job, CronJob,
DeploymentConfig, Argo Rollout: containers, initContainers and
ephemeralContainers) and CatalogSources (spec.image) of the files, the
folders and, for "-" or no argument, standard input, and tell for each how
it is pulled (by digest or by tag), where a node tries it first, and
whether it can be pulled, and why. The registries.conf is rendered from the
mirror objects and the Image named cluster found in the same input, as
"mirrorset registries-conf" does.

Exit code 1 when an image cannot be pulled (see --fail-on), or the input
cannot be read or rendered; 2 for a bad call.

Flags:
`

func imagesCommand(fs *pflag.FlagSet) (func([]string) error, runFunc) {
	var o imagelist.Options
	renderFlags(fs, &o.Render)
	output := fs.String("output", "text", "`format`: text (a table) or json")
	fs.StringVar(&o.FailOn, "fail-on", imagepull.FailOnUnpullable, "exit 1 when `what` is found: unpullable (an image that cannot be pulled), any (also\nimages pulled by tag past digest-only mirrors, short names, bad references) or none")
	check := func([]string) error {
		if *output != "text" && *output != "json" {
			return fmt.Errorf("--output %q: use text or json", *output)
		}
		switch o.FailOn {
		case imagepull.FailOnUnpullable, imagepull.FailOnAny, imagepull.FailOnNone:
			return nil
		}
		return fmt.Errorf("--fail-on %q: use unpullable, any or none", o.FailOn)
	}
	return check, func(paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
		o.JSON = *output == "json"
		return imagelist.Run(o, paths, stdin, stdout, stderr)
	}
}
