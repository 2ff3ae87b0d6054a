package jobspec

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int64
		wantErr string // a fragment of the error; "" for success
	}{
		{in: "10B", want: 10},
		{in: "1024", want: 1024},
		{in: "512KB", want: 512 << 10},
		{in: "128MB", want: 128 << 20},
		{in: "128 MB", want: 128 << 20},
		{in: "2MiB", want: 2 << 20},
		{in: "1GB", want: 1 << 30},
		{in: "1.5GB", want: 3 << 29},
		{in: "2TB", want: 2 << 40},
		{in: " 7KiB ", want: 7 << 10},
		{in: "0MB", want: 0},
		{in: "12XB", wantErr: `"12XB" has unknown unit "XB"`},
		{in: "128mb", wantErr: `unknown unit "mb"`},
		{in: "", wantErr: `"" is not a size`},
		{in: "MB", wantErr: `"MB" is not a size`},
		{in: "-1MB", wantErr: `"-1MB" is not a size`},
		{in: "1.1B", wantErr: `"1.1B" is not a whole number of bytes`},
		{in: "1.5", wantErr: `"1.5" is not a whole number of bytes`},
		{in: "9999999TB", wantErr: `"9999999TB" is too large`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseSize(tt.in)
			var gotErr string
			if err != nil {
				gotErr = err.Error()
			}
			if got != tt.want || (tt.wantErr == "") != (err == nil) || !strings.Contains(gotErr, tt.wantErr) {
				t.Errorf("parseSize(%q) = %d, %q; want %d, %q", tt.in, got, gotErr, tt.want, tt.wantErr)
			}
		})
	}
}
