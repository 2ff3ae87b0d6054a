package scheduling

import "sync"

// mesosCallWorkers bounds the calls to the master in flight at once
// (ACCEPTs of one round, ACKNOWLEDGEs of one batch).
const mesosCallWorkers = 16

// parallel runs fs with at most mesosCallWorkers at once and returns when
// all are done. One call runs on the caller's goroutine.
func parallel(fs []func()) {
	if len(fs) <= 1 {
		for _, f := range fs {
			f()
		}
		return
	}
	work := make(chan func())
	var wg sync.WaitGroup
	n := min(mesosCallWorkers, len(fs))
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer wg.Done()
			for f := range work {
				f()
			}
		}()
	}
	for _, f := range fs {
		work <- f
	}
	close(work)
	wg.Wait()
}
