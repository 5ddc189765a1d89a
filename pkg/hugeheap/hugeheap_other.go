//go:build !linux

package hugeheap

// Reserve does nothing but on Linux.
func Reserve(n int) (asked bool) { return false }
