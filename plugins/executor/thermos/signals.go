package thermos

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/aurora-go/aurora/sdk"
)

var signalsByName = map[string]syscall.Signal{
	"HUP":   syscall.SIGHUP,
	"INT":   syscall.SIGINT,
	"QUIT":  syscall.SIGQUIT,
	"ABRT":  syscall.SIGABRT,
	"KILL":  syscall.SIGKILL,
	"USR1":  syscall.SIGUSR1,
	"USR2":  syscall.SIGUSR2,
	"PIPE":  syscall.SIGPIPE,
	"ALRM":  syscall.SIGALRM,
	"TERM":  syscall.SIGTERM,
	"CONT":  syscall.SIGCONT,
	"STOP":  syscall.SIGSTOP,
	"TSTP":  syscall.SIGTSTP,
	"TTIN":  syscall.SIGTTIN,
	"TTOU":  syscall.SIGTTOU,
	"WINCH": syscall.SIGWINCH,
}

// parseSignal reads "SIGHUP", "HUP" (any case) or a number such as "1".
func parseSignal(s string) (syscall.Signal, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("%w: signal number %d out of range", sdk.ErrInvalidArgument, n)
		}
		return syscall.Signal(n), nil
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if sig, ok := signalsByName[name]; ok {
		return sig, nil
	}
	return 0, fmt.Errorf("%w: unknown signal %q", sdk.ErrInvalidArgument, s)
}
