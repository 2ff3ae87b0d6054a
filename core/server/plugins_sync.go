package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aurora-go/aurora/core/pluginhost"
)

// syncBlobs keeps this replica's plugin store complete: whenever the
// catalog changes (and every retry interval while a blob is missing), a
// follower copies the binary of every registered entry it lacks from the
// leader (GET /v1/plugins/blobs/{sha256}), hashing while it stores and
// discarding bytes whose sha256 is not the entry's. A replica that becomes
// leader thus already holds every binary; the host verifies the sha256
// again at every start in any case.
func (s *Server) syncBlobs(ctx context.Context) {
	client := &http.Client{Timeout: 5 * time.Minute}
	retry := time.NewTicker(3 * time.Second)
	defer retry.Stop()
	for {
		changed := s.store.PluginsChanged()
		if !s.node.IsLeader() {
			for _, sum := range s.catalogSums() {
				if s.blobs.Has(sum) || ctx.Err() != nil {
					continue
				}
				if err := s.fetchBlob(ctx, client, sum); err != nil {
					s.logger.Warn("cannot copy a plugin binary from the leader; retrying", "sha256", sum, "error", err)
				} else {
					s.logger.Info("plugin binary copied from the leader", "sha256", sum)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-retry.C:
		}
	}
}

func (s *Server) fetchBlob(ctx context.Context, client *http.Client, sum string) error {
	addr, ok := s.leaderHTTP()
	if !ok {
		return fmt.Errorf("no leader known")
	}
	return fetchBlobFrom(ctx, client, s.blobs, addr, sum)
}

// fetchBlobFrom copies the blob sum from the replica at addr into store,
// keeping it only if its bytes hash to sum.
func fetchBlobFrom(ctx context.Context, client *http.Client, store *pluginhost.Store, addr, sum string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/v1/plugins/blobs/"+sum, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("leader %s answered %s", addr, resp.Status)
	}
	got, _, err := store.Put(http.MaxBytesReader(nil, resp.Body, maxPluginBinary))
	if err != nil {
		return err
	}
	if got != sum {
		_ = store.Remove(got)
		return fmt.Errorf("%w: the catalog says sha256 %s, the leader sent sha256 %s", pluginhost.ErrChecksumMismatch, sum, got)
	}
	return nil
}
