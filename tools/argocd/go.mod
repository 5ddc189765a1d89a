// These two mains are built inside a copy of the argo-cd module's source
// (tools/build-argocd.sh), so that its replace directives apply. This go.mod
// only keeps them out of the mirrorset module and its ./... patterns.
module github.com/mirrorset/mirrorset/tools/argocd

go 1.26.0
