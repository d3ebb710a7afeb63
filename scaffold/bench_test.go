package scaffold

import (
	"testing"
)

// BenchmarkInit renders the full scaffold into a new repository.
func BenchmarkInit(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := newRepo(b)
		b.StartTimer()
		if _, err := Init(InitOptions{Dir: dir, Config: testConfig(), Version: "v0.1.0"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate re-renders a full scaffold that is up to date: every
// engine-owned file is read, rendered and compared.
func BenchmarkUpdate(b *testing.B) {
	dir := newRepo(b)
	if _, err := Init(InitOptions{Dir: dir, Config: testConfig(), Version: "v0.1.0"}); err != nil {
		b.Fatal(err)
	}
	commitAll(b, dir, "init")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Update(UpdateOptions{Dir: dir, Version: "v0.1.0"})
		if err != nil {
			b.Fatal(err)
		}
		if res.Written() != 0 {
			b.Fatalf("an up-to-date scaffold wrote %d files", res.Written())
		}
	}
}
