package pdf

import "testing"

func TestResampleAverages(t *testing.T) {
	// A 4x2 gray raster halved to 2x1: each output pixel is the mean of a 2x2 block.
	src := []byte{0, 100, 200, 255, 50, 150, 250, 255}
	got := resample(src, 4, 2, 4, 1, 2, 1)
	want := []byte{75, 240}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("resample = %v, want %v", got, want)
	}
	// A uniform image stays uniform at any size.
	flat := make([]byte, 37*23*4)
	for i := range flat {
		flat[i] = 77
	}
	for _, p := range resample(flat, 37, 23, 37*4, 4, 11, 7) {
		if p != 77 {
			t.Fatalf("uniform image changed to %d", p)
		}
	}
}

func BenchmarkResample12MP(b *testing.B) {
	src := make([]byte, 4000*3000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resample(src, 4000, 3000, 4000, 1, 1370, 1028)
	}
}
