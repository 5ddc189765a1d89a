package krm

import (
	"errors"
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/mirrorset/mirrorset/pkg/config"
	"github.com/mirrorset/mirrorset/pkg/mirror"
	"github.com/mirrorset/mirrorset/pkg/registriesconf"
	"github.com/mirrorset/mirrorset/pkg/result"
	"github.com/mirrorset/mirrorset/pkg/transform"
)

// PreviewName is the name of the local-config ConfigMap that carries the
// rendered registries.conf with preview: configmap.
const PreviewName = "mirrorset-registries-conf"

// decodeClusterImage decodes n when it is the Image named cluster, with the
// results about it; ok is false for any other Image, which the MCO ignores,
// and so here.
func decodeClusterImage(n *yaml.RNode) (img *registriesconf.Image, rs result.Results, ok bool) {
	if !registriesconf.IsImage(n) || n.GetName() != "cluster" || n.GetAnnotations()[localConfig] == "true" {
		return nil, nil, false
	}
	img, err := registriesconf.DecodeImage(n)
	if err != nil {
		r := &result.Result{Severity: result.Error, Message: "Image \"cluster\": " + err.Error(),
			ResourceRef: &result.ResourceRef{APIVersion: n.GetApiVersion(), Kind: n.GetKind(), Name: n.GetName()},
			File:        resultFile(n)}
		var fe *mirror.FieldError
		if errors.As(err, &fe) {
			r.Field = &result.Field{Path: fe.Field}
		}
		return nil, result.Results{r}, true
	}
	return img, nil, true
}

// nodeView renders the registries.conf that the output gives every node,
// with the MCO's own renderer, when the list holds the Image named cluster
// (whose insecure and blocked registries can make the rendering fail) or
// the config asks for a preview. It returns the results, and the preview
// ConfigMap when the config asks for one, and the rendering (nil when it
// did not render, or the rendering failed).
func nodeView(cfg config.Config, img *registriesconf.Image, imgFile *result.File, outs []transform.Out, at *yaml.RNode) (result.Results, *yaml.RNode, *registriesconf.Result, error) {
	if img == nil && cfg.Preview == config.PreviewNone {
		return nil, nil, nil, nil
	}
	res, err := registriesconf.Render(outputSets(outs), registriesconf.Options{Image: img})
	if err != nil {
		with := ""
		if img != nil {
			with = " (with " + img.Ref() + ")"
		}
		r := &result.Result{Severity: result.Error, Message: "the Machine Config Operator would render no registries.conf from the output" + with + ", and the MachineConfigPool would degrade: " + err.Error()}
		if img != nil {
			r.ResourceRef = &result.ResourceRef{APIVersion: registriesconf.ImageAPIVersion, Kind: registriesconf.ImageKind, Name: img.Name}
			r.File = imgFile
		}
		return result.Results{r}, nil, nil, nil
	}
	var rs result.Results
	for _, w := range res.Warnings {
		rs = append(rs, &result.Result{Severity: result.Warning, Message: w})
	}
	switch cfg.Preview {
	case config.PreviewResults:
		rs = append(rs, &result.Result{Severity: result.Info, Message: "the registries.conf every node will get (" + registriesconf.Path + "):\n" + string(res.Conf)})
	case config.PreviewConfigMap:
		cm, err := previewConfigMap(res.Conf, at)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("preview ConfigMap: %w", err)
		}
		return rs, cm, res, nil
	}
	return rs, nil, res, nil
}

// previewConfigMap is a local-config ConfigMap with the rendered file:
// kpt and kustomize show it but apply nothing of it. It goes into the
// directory of the item at, so that kpt writes it beside the mirror sets.
func previewConfigMap(conf []byte, at *yaml.RNode) (*yaml.RNode, error) {
	cm := yaml.MustParse(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ` + PreviewName + `
  annotations:
    config.kubernetes.io/local-config: "true"
`)
	if at != nil {
		if p := at.GetAnnotations()[kioutil.PathAnnotation]; p != "" {
			path := dirOf(p) + PreviewName + ".yaml"
			for _, k := range []string{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation} {
				if err := cm.PipeE(yaml.SetAnnotation(k, path)); err != nil {
					return nil, err
				}
			}
		}
	}
	cm.SetDataMap(map[string]string{"registries.conf": string(conf)})
	return cm, nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[:i+1]
		}
	}
	return ""
}

// resultFile is the file of the object in n, and its index there, as kpt's
// results carry them (the SDK's ConfigObjectResult reads the same
// annotations); nil when n has no path.
func resultFile(n *yaml.RNode) *result.File {
	a := n.GetAnnotations()
	path := a[kioutil.PathAnnotation]
	if path == "" {
		path = a[kioutil.LegacyPathAnnotation]
	}
	if path == "" {
		return nil
	}
	idx := a[kioutil.IndexAnnotation]
	if idx == "" {
		idx = a[kioutil.LegacyIndexAnnotation]
	}
	i, _ := strconv.Atoi(idx)
	return &result.File{Path: path, Index: i}
}

// outputSets are the mirror sets of outs, as the renderer takes them.
func outputSets(outs []transform.Out) []mirror.Set {
	sets := make([]mirror.Set, len(outs))
	for i, o := range outs {
		sets[i] = *o.Set
	}
	return sets
}
