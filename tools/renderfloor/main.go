// Command renderfloor does nothing, but links the two packages through which
// mirrorset renders and reads registries.conf as the nodes do: the Machine
// Config Operator's renderer (runtime-utils) and containers/image's
// sysregistriesv2. Go initialises every linked package before main, so its
// start is the least that any binary holding them can take; `make bench`
// measures it beside the identity on the one-item list.
package main

import (
	_ "github.com/containers/image/v5/pkg/sysregistriesv2"
	_ "github.com/openshift/runtime-utils/pkg/registries"
)

func main() {}
