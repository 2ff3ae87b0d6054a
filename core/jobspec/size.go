package jobspec

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// sizeUnits are Aurora's units, which are 1024-based: its MB is a MiB. The
// IEC names are accepted too, for those who prefer to be explicit.
var sizeUnits = map[string]int64{
	"":    1,
	"B":   1,
	"KB":  1 << 10,
	"KiB": 1 << 10,
	"MB":  1 << 20,
	"MiB": 1 << 20,
	"GB":  1 << 30,
	"GiB": 1 << 30,
	"TB":  1 << 40,
	"TiB": 1 << 40,
}

var sizePattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$`)

// parseSize reads "128MB", "1.5GB", "512KB", "10B" or "1024" (bytes) into
// a number of bytes.
func parseSize(s string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not a size: use a number with a unit B, KB, MB, GB or TB (1024-based), such as \"128MB\"", s)
	}
	unit, ok := sizeUnits[m[2]]
	if !ok {
		return 0, fmt.Errorf("%q has unknown unit %q: use B, KB, MB, GB or TB (1024-based)", s, m[2])
	}
	amount, _, err := big.ParseFloat(m[1], 10, 128, big.ToNearestEven)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size: %w", s, err)
	}
	bytes := amount.Mul(amount, new(big.Float).SetInt64(unit))
	if !bytes.IsInt() {
		return 0, fmt.Errorf("%q is not a whole number of bytes", s)
	}
	n, acc := bytes.Int64()
	if acc != big.Exact {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n, nil
}
