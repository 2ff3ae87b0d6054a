package mesoslite

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// newUUID returns 16 random bytes with the RFC 4122 version 4 and variant bits
// set, as Mesos' UUID::random does.
func newUUID() []byte {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Errorf("mesoslite: reading random bytes: %w", err))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return b
}

// uuidString formats 16 bytes as 8-4-4-4-12 hex; other lengths as plain hex.
func uuidString(b []byte) string {
	if len(b) != 16 {
		return hex.EncodeToString(b)
	}
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var errInvalidUUID = errors.New("not a valid UUID")

// validateUUID checks bytes as Mesos' UUID::fromBytes does: exactly 16 bytes
// whose version nibble is a known RFC 4122 version (1-5). Random bytes fail.
func validateUUID(b []byte) error {
	if len(b) != 16 {
		return errInvalidUUID
	}
	switch b[6] >> 4 {
	case 1, 2, 3, 4, 5:
		return nil
	default:
		return errInvalidUUID
	}
}

// validateID checks a task, executor or framework id as Mesos'
// common::validation::validateID does: ids become directory names.
func validateID(id string) error {
	switch {
	case id == "":
		return errors.New("ID must not be empty")
	case len(id) > 255:
		return errors.New("ID must not be greater than 255 characters")
	case id == "." || id == "..":
		return fmt.Errorf("'%s' is disallowed", id)
	}
	for _, c := range []byte(id) {
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' {
			return fmt.Errorf("'%s' contains invalid characters", id)
		}
	}
	return nil
}

func frameworkIDFor(masterID string, n int) string { return fmt.Sprintf("%s-%04d", masterID, n) }
func agentIDFor(masterID string, n int) string     { return fmt.Sprintf("%s-S%d", masterID, n) }
func offerIDFor(masterID string, n int) string     { return fmt.Sprintf("%s-O%d", masterID, n) }
