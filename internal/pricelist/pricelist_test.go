package pricelist

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shared copy is the reference the embedded file was copied from; they
// must not drift apart.
func TestEmbeddedMatchesSharedCopy(t *testing.T) {
	b, err := os.ReadFile("../../../shared/data/contract-cloud-prices.csv")
	if err != nil {
		t.Logf("shared copy not beside the checkout (%v): comparing only the embedded file", err)
		return
	}
	assert.Equal(t, string(b), pricesCSV)
}

func TestLookupRowsOfTheContract(t *testing.T) {
	for _, tc := range []struct{ vcpu, mem, yuan int }{
		{2, 2, 79}, {4, 8, 255}, {8, 16, 509}, {8, 32, 636}, {16, 256, 2587}, {32, 512, 5174},
	} {
		s, ok := Lookup(tc.vcpu, tc.mem)
		require.True(t, ok, "%dC%dG", tc.vcpu, tc.mem)
		assert.Equal(t, tc.yuan, s.Yuan, "%dC%dG", tc.vcpu, tc.mem)
	}
	_, ok := Lookup(4, 12)
	assert.False(t, ok, "4C12G is not a fixed spec")
	_, ok = Lookup(1, 8)
	assert.False(t, ok, "1C8G is a 数据库一体机 instance, not a 云主机")
}

// Every 云主机服务 instance line of the file is a spec, found at its price;
// the counts are those of the notes (20 fixed specs, 61 rows).
func TestEverySpecLine(t *testing.T) {
	recs, err := csv.NewReader(strings.NewReader(pricesCSV)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, recs, 62)
	assert.Len(t, Default().Rows(), 61)
	n := 0
	for _, r := range recs[1:] {
		if r[0] != CategoryVM || r[3] != "instance" {
			continue
		}
		n++
		c, _ := strconv.Atoi(r[1])
		m, _ := strconv.Atoi(r[2])
		y, _ := strconv.Atoi(r[4])
		s, ok := Lookup(c, m)
		require.True(t, ok, r)
		assert.Equal(t, y, s.Yuan, r)
	}
	assert.Equal(t, 20, n)
	assert.Len(t, Default().Specs(), 20)
}

func TestCheapestFit(t *testing.T) {
	for _, tc := range []struct {
		vcpu, mem float64
		want      string
		yuan      int
	}{
		{0.1, 0.1, "2C2G", 79},
		{2, 4, "2C4G", 127},
		{2.4, 4.8, "4C8G", 255}, // 4 vCPUs: 4C4G is too small in memory
		{3, 3, "4C4G", 223},
		{4, 8.01, "4C16G", 318},
		{8, 16, "8C16G", 509},
		{9, 9, "16C16G", 892},
		{5, 40, "8C64G", 890},     // 8C64G (890) is cheaper than 16C64G (1273)
		{16, 65, "16C128G", 1543}, // not 32C128G
		{32, 512, "32C512G", 5174},
	} {
		s, ok := CheapestFit(tc.vcpu, tc.mem)
		require.True(t, ok)
		assert.Equal(t, tc.want, s.String(), "%v vCPU %v GB", tc.vcpu, tc.mem)
		assert.Equal(t, tc.yuan, s.Yuan)
	}
	_, ok := CheapestFit(33, 1)
	assert.False(t, ok)
	_, ok = CheapestFit(1, 513)
	assert.False(t, ok)
}

func TestCheapestFitIsCheapestOfAllFits(t *testing.T) {
	specs := Default().Specs()
	for c := 0.5; c <= 32; c += 0.5 {
		for m := 0.5; m <= 512; m *= 1.5 {
			got, ok := CheapestFit(c, m)
			for _, s := range specs {
				if s.Fits(c, m) {
					require.True(t, ok)
					assert.LessOrEqual(t, got.Yuan, s.Yuan, "%v %v: %s beats %s", c, m, s, got)
				}
			}
		}
	}
}

func TestStorage(t *testing.T) {
	y, ok := StorageYuanPerTB(CategoryBlockStandard)
	assert.True(t, ok)
	assert.Equal(t, 153, y)
	y, ok = StorageYuanPerTB(CategoryBlockHigh)
	assert.True(t, ok)
	assert.Equal(t, 333, y)
	_, ok = StorageYuanPerTB("数据库一体机-数据库存储") // per GB, not per TB
	assert.False(t, ok)
}

func TestParseSpec(t *testing.T) {
	c, m, err := ParseSpec("8C16G")
	require.NoError(t, err)
	assert.Equal(t, [2]int{8, 16}, [2]int{c, m})
	c, m, err = ParseSpec(" 32c512g ")
	require.NoError(t, err)
	assert.Equal(t, [2]int{32, 512}, [2]int{c, m})
	for _, bad := range []string{"", "8C", "C16G", "8C16", "8C16GB", "0C4G", "-2C4G", "2C-4G", "8X16G", "2C4G4G", "99999999C1G", "2 C4G"} {
		_, _, err := ParseSpec(bad)
		assert.Error(t, err, bad)
	}
	s, ok := LookupLabel("8C16G")
	assert.True(t, ok)
	assert.Equal(t, 509, s.Yuan)
	_, ok = LookupLabel("6C12G")
	assert.False(t, ok)
}

func TestParseRefusesBadLists(t *testing.T) {
	h := "category,spec_vcpu,spec_mem_gb,unit,price_yuan_per_month\n"
	for name, text := range map[string]string{
		"empty":         "",
		"header":        "a,b,c,d,e\n",
		"no specs":      h + "块存储(普通) IOPS>=3000,,,TB,153\n",
		"price":         h + "云主机服务,2,2,instance,x\n",
		"negative":      h + "云主机服务,2,2,instance,-1\n",
		"fraction spec": h + "云主机服务,2,2,instance,79.5\n",
		"no memory":     h + "云主机服务,2,,instance,79\n",
		"duplicate":     h + "云主机服务,2,2,instance,79\n云主机服务,2,2,instance,80\n",
		"fields":        h + "云主机服务,2,2,instance\n",
		"vcpu":          h + "云主机服务,two,2,instance,79\n",
	} {
		_, err := Parse(text)
		assert.Error(t, err, name)
	}
}
