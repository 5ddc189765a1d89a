// Package hugeheap asks the kernel for transparent huge pages under the part
// of the Go heap that a large run is about to fill.
//
// Every page of a fresh heap costs a page fault when it is first written.
// Where the kernel backs memory with huge pages only on request
// (/sys/kernel/mm/transparent_hugepage/enabled is "madvise", the default of
// many distributions), a Go program gets 4 KiB pages: the runtime does not
// ask for huge pages for its heap (it stopped in Go 1.21.1; see the Go GC
// guide, "Linux transparent huge pages"), and its heap grows by new
// mappings that a request made before would not cover. A heap of 100 MiB
// then takes 25,000 faults, one for each 4 KiB, several microseconds each
// in a virtual machine; with huge pages, one for each 2 MiB.
package hugeheap
