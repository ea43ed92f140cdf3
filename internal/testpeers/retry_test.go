package testpeers

import (
	"errors"
	"fmt"
	"testing"
)

func TestRetryPortTaken(t *testing.T) {
	errOther := errors.New("config broken")
	tests := []struct {
		name      string
		failures  []error // returned by the first calls, then success
		wantCalls int
		wantErr   error
	}{
		{"first try", nil, 1, nil},
		{"port lost twice, then started", []error{fmt.Errorf("%w: udp", ErrPortTaken), fmt.Errorf("%w: tcp", ErrPortTaken)}, 3, nil},
		{"other errors are not retried", []error{errOther}, 1, errOther},
		{"gives up after portAttempts", []error{ErrPortTaken, ErrPortTaken, ErrPortTaken, ErrPortTaken, ErrPortTaken, ErrPortTaken}, portAttempts, ErrPortTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			v, err := RetryPortTaken(func() (int, error) {
				calls++
				if calls <= len(tt.failures) {
					return 0, tt.failures[calls-1]
				}
				return 42, nil
			})
			if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) || (err == nil && v != 42) {
				t.Errorf("calls %d, value %d, err %v; want %d calls, err %v", calls, v, err, tt.wantCalls, tt.wantErr)
			}
		})
	}
}
