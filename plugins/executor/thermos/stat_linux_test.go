//go:build linux

package thermos

func parseStatForTest(stat []byte) (byte, int, bool) { return parseStat(stat) }
