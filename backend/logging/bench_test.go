package logging_test

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/logging"
)

// BenchmarkInfo measures what a caller pays per line with console and file
// output (console discarded): formatting twice, redaction and queueing.
func BenchmarkInfo(b *testing.B) {
	l := logging.New(logging.Config{Dir: b.TempDir(), Console: io.Discard, Level: logrus.InfoLevel, BufferLines: 1 << 16})
	defer l.Close()
	log := l.Logger().WithField("conn", "local")
	b.ReportAllocs()
	for b.Loop() {
		log.Info("query finished")
	}
	b.StopTimer()
	l.Flush()
	b.ReportMetric(float64(l.Dropped()), "dropped")
}

// BenchmarkLineToDisk measures how long one line takes to reach the file
// (SC-007: under 100 ms): log, then wait until the writer has written it.
func BenchmarkLineToDisk(b *testing.B) {
	l := logging.New(logging.Config{Dir: b.TempDir(), Console: io.Discard, Level: logrus.InfoLevel})
	defer l.Close()
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		l.Logger().Info("query finished")
		l.Flush()
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
}

// notifySink reports the time each write reaches it.
type notifySink chan time.Time

func (s notifySink) Write(p []byte) (int, error) {
	s <- time.Now()
	return len(p), nil
}

// BenchmarkAsyncWriterLatency measures the time from Write until the writer
// goroutine hands the line to the sink, without Flush: the writer's own
// promptness (no batching timer).
func BenchmarkAsyncWriterLatency(b *testing.B) {
	sink := make(notifySink, 1)
	w := logging.NewAsyncWriter(sink, 1024)
	defer w.Close()
	line := []byte("time=\"2025-03-01T10:00:00.000Z\" level=info msg=\"query finished\"\n")
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		w.Write(line)
		lat = append(lat, (<-sink).Sub(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
}

// BenchmarkAsyncWriterStalledSink measures Write while the sink never
// returns: the cost of a dropped line, which is all a caller pays.
func BenchmarkAsyncWriterStalledSink(b *testing.B) {
	sink := newGatedSink()
	w := logging.NewAsyncWriter(sink, 64)
	line := []byte("level=info msg=\"query finished\"\n")
	for b.Loop() {
		w.Write(line)
	}
	b.StopTimer()
	close(sink.gate)
	w.Close()
}
