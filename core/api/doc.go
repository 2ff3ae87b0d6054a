// Package api is the scheduler's HTTP JSON API (/v1/...), its health
// endpoints, and the Go client the CLI uses.
//
// Bad requests get a 4xx with a JSON body {"error": "...", "details": [...]}
// that says what is wrong; nothing is changed by a rejected request.
package api
