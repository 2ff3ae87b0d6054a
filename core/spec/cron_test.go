package spec

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCronSchedule(t *testing.T) {
	t.Parallel()
	seq := func(lo, hi, step int) []int {
		var out []int
		for v := lo; v <= hi; v += step {
			out = append(out, v)
		}
		return out
	}
	tests := []struct {
		in      string
		want    *CronSchedule
		wantErr string
	}{
		{in: "* * * * *", want: &CronSchedule{seq(0, 59, 1), seq(0, 23, 1), seq(1, 31, 1), seq(1, 12, 1), seq(0, 7, 1)}},
		{in: "*/15 2 1,15 * MON-FRI", want: &CronSchedule{[]int{0, 15, 30, 45}, []int{2}, []int{1, 15}, seq(1, 12, 1), seq(1, 5, 1)}},
		{in: "5/20 0-6/3 * jan,Dec sun", want: &CronSchedule{[]int{5, 25, 45}, []int{0, 3, 6}, seq(1, 31, 1), []int{1, 12}, []int{0}}},
		{in: "  0   12 * * 7 ", want: &CronSchedule{[]int{0}, []int{12}, seq(1, 31, 1), seq(1, 12, 1), []int{7}}},
		{in: "* * * *", wantErr: "five fields"},
		{in: "60 * * * *", wantErr: "minute field: 60 is out of range 0-59"},
		{in: "* 24 * * *", wantErr: "hour field: 24 is out of range 0-23"},
		{in: "* * 0 * *", wantErr: "day of month field: 0 is out of range 1-31"},
		{in: "* * * 13 *", wantErr: "month field: 13 is out of range 1-12"},
		{in: "* * * * 8", wantErr: "day of week field: 8 is out of range 0-7"},
		{in: "*/0 * * * *", wantErr: "a step must be a positive number"},
		{in: "10-5 * * * *", wantErr: "the range runs backwards"},
		{in: "a * * * *", wantErr: `"a" is not a number`},
		{in: "1,,2 * * * *", wantErr: `"" is not a number`},
	}
	for _, tt := range tests {
		got, err := ParseCronSchedule(tt.in)
		var gotErr string
		if err != nil {
			gotErr = err.Error()
		}
		if !reflect.DeepEqual(got, tt.want) || (tt.wantErr == "") != (err == nil) || !strings.Contains(gotErr, tt.wantErr) {
			t.Errorf("ParseCronSchedule(%q) = %+v, %q; want %+v, %q", tt.in, got, gotErr, tt.want, tt.wantErr)
		}
	}
}
