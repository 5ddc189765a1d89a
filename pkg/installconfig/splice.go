package installconfig

import (
	"bytes"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// splice returns data with the top-level field at index at of root
// printed anew and the top-level key drop (if any) removed; every other
// line of data stays as it was, comments, blank lines and quoting included.
// A document whose top level is not a plain block map is printed whole.
// With renameOnly, the field's value is left as it is, byte for byte, and
// only its key is written anew (to DigestSources).
func splice(data []byte, root *yaml.Node, at int, drop *yaml.Node, renameOnly bool) ([]byte, error) {
	if root.Style&yaml.FlowStyle != 0 || bytes.Contains(data, []byte("\r")) {
		return whole(data, root)
	}
	for i := 0; i < len(root.Content); i += 2 {
		if root.Content[i].Column != 1 {
			return whole(data, root)
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	start, end := fieldLines(root, at, lines)
	if renameOnly {
		key := root.Content[at]
		line := lines[key.Line-1]
		if col := key.Column - 1; strings.HasPrefix(line[col:], ContentSources) {
			lines[key.Line-1] = line[:col] + DigestSources + line[col+len(ContentSources):]
			start, end = -1, -1
		}
	}
	var block []byte
	if start >= 0 {
		b, err := fieldBlock(data, root, at, lines, start, end)
		if err != nil {
			return nil, err
		}
		block = b
	}
	var dropStart, dropEnd = -1, -1
	if drop != nil {
		for i := 0; i < len(root.Content); i += 2 {
			if root.Content[i] == drop {
				dropStart, dropEnd = fieldLines(root, i, lines)
				for dropEnd > dropStart && strings.TrimSpace(lines[dropEnd-1]) == "" {
					dropEnd--
				}
			}
		}
	}
	var out bytes.Buffer
	for j := 0; j < len(lines); j++ {
		switch {
		case j == start:
			out.Write(block)
			j = end - 1
		case j >= dropStart && j < dropEnd:
		default:
			out.WriteString(lines[j])
		}
	}
	return out.Bytes(), nil
}

// fieldBlock prints the field at index at of root anew, in the sequence
// style of its old lines [start, end), which it stands for.
func fieldBlock(data []byte, root *yaml.Node, at int, lines []string, start, end int) ([]byte, error) {
	oldBlock := strings.Join(lines[start:end], "")
	style := yaml.DeriveSeqIndentStyle(oldBlock)
	if style == "" {
		style = yaml.DeriveSeqIndentStyle(string(data))
	}
	key := *root.Content[at]
	key.HeadComment = "" // it stays above, in the lines kept
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{&key, root.Content[at+1]}}
	block, err := yaml.MarshalWithOptions(m, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(style)})
	if err != nil {
		return nil, err
	}
	// Blank lines after the field's text belong to the layout, not to it.
	for j := end - 1; j >= start && strings.TrimSpace(lines[j]) == ""; j-- {
		block = append(block, lines[j]...)
	}
	return block, nil
}

// fieldLines returns the lines [start, end) of the top-level field at index
// i: from its key to the line before the next key's head comment.
func fieldLines(root *yaml.Node, i int, lines []string) (start, end int) {
	start = root.Content[i].Line - 1
	end = len(lines)
	if i+2 < len(root.Content) {
		next := root.Content[i+2]
		end = next.Line - 1
		if next.HeadComment != "" {
			end -= strings.Count(next.HeadComment, "\n") + 1
		}
	}
	if end < start+1 {
		end = start + 1
	}
	return start, end
}

// whole prints the whole document anew, for the forms splice cannot keep.
func whole(data []byte, root *yaml.Node) ([]byte, error) {
	style := yaml.DeriveSeqIndentStyle(string(data))
	return yaml.MarshalWithOptions(root, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(style)})
}
