package lint

import "testing"

// TestFindingGitHub: the escapes of GitHub's workflow commands, in the
// message and in the file property.
func TestFindingGitHub(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    Finding
		want string
	}{
		{Finding{File: "a.yaml", Line: 3, Column: 5, Severity: "error", Message: "100% bad\r\nvery"},
			"::error file=a.yaml,line=3,col=5::100%25 bad%0D%0Avery\n"},
		{Finding{File: "dir,x/a:b.yaml", Line: 1, Column: 1, Severity: "warning", Message: "m: n, o"},
			"::warning file=dir%2Cx/a%3Ab.yaml,line=1,col=1::m: n, o\n"},
		{Finding{File: "a.yaml", Severity: "error", Message: "cannot read"},
			"::error file=a.yaml::cannot read\n"},
		{Finding{Severity: "error", Message: "about no object"},
			"::error::about no object\n"},
		{Finding{File: "<stdin>", Line: 2, Column: 3, Severity: "error", Message: "m"},
			"::error::<stdin>:2:3: m\n"},
	} {
		if got := tc.f.GitHub(); got != tc.want {
			t.Errorf("%+v.GitHub() = %q, want %q", tc.f, got, tc.want)
		}
	}
}
