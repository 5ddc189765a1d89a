// Command gen writes a generated ResourceList (see pkg/resourcelist/gen) to
// stdout or to a file, for `make bench` and for trying mirrorset on large
// inputs:
//
//	go run ./tools/gen -items 10000 -o /tmp/rl-10k.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mirrorset/mirrorset/pkg/resourcelist/gen"
)

func main() {
	o := gen.Default(0)
	flag.IntVar(&o.Items, "items", 1000, "number of items")
	flag.IntVar(&o.MirrorPercent, "mirror-percent", o.MirrorPercent, "share of ImageContentSourcePolicies among the items, 0 to 100")
	flag.IntVar(&o.Sources, "sources", 0, "distinct mirror sources (0: one per ten policies)")
	flag.BoolVar(&o.Overlap, "overlap", false, "policies of 1 to 6 entries over one source per 20 items, their mirrors in random orders")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the mix and the values")
	out := flag.String("o", "", "output file (default stdout)")
	flag.Parse()
	if err := write(*out, o); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func write(path string, o gen.Options) error {
	if path == "" {
		return gen.ResourceList(os.Stdout, o)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gen.ResourceList(f, o); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
