package krm

// LoudNodes is loudNodes, for the tests of package krm_test.
var LoudNodes = loudNodes
