package nvr

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Samples in the vendors' published formats (docs/swanlake.md research notes
// §2.2 and §2.3), in the namespace and key variants firmware uses.

const isapiStorageStdCGI = `<?xml version="1.0" encoding="UTF-8"?>
<storage version="2.0" xmlns="http://www.std-cgi.com/ver20/XMLSchema">
<hddList size="8">
<hdd version="2.0">
<id>1</id>
<hddName>hdde</hddName>
<hddPath></hddPath>
<hddType>SATA</hddType>
<status>ok</status>
<capacity>3815447</capacity>
<freeSpace>0</freeSpace>
<property>RW</property>
</hdd>
<hdd version="2.0">
<id>2</id>
<hddName>hddf</hddName>
<hddType>SATA</hddType>
<status>smartfailed</status>
<capacity>3815447</capacity>
<freeSpace>1024</freeSpace>
<property>RW</property>
</hdd>
</hddList>
<nasList size="8">
<nas version="2.0">
<id>9</id>
<addressingFormatType>ipaddress</addressingFormatType>
<ipAddress>10.1.2.3</ipAddress>
<path>/share</path>
<status>offline</status>
<capacity>0</capacity>
<freeSpace>0</freeSpace>
</nas>
</nasList>
<workMode>group</workMode>
</storage>`

func TestParseISAPIStorage(t *testing.T) {
	ds, err := parseISAPIStorage([]byte(isapiStorageStdCGI))
	require.NoError(t, err)
	require.Len(t, ds, 3)
	assert.Equal(t, disk{name: "hdde", ok: true, okKnown: true, capacity: 3815447 << 20, free: 0, sized: true}, ds[0])
	assert.Equal(t, "hddf", ds[1].name)
	assert.False(t, ds[1].ok, "smartfailed")
	assert.Equal(t, float64(1024<<20), ds[1].free)
	assert.Equal(t, "nas9", ds[2].name)
	assert.False(t, ds[2].ok, "offline NAS")
}

func TestParseISAPIStorageVariants(t *testing.T) {
	hddList := `<?xml version="1.0" encoding="UTF-8"?>
<hddList version="1.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<hdd><id>1</id><hddName></hddName><status>idle</status><capacity>953869</capacity><freeSpace>10</freeSpace></hdd>
<hdd><id>2</id><hddName>hdd1</hddName><status>unformatted</status><capacity>x</capacity><freeSpace>0</freeSpace></hdd>
<hdd><id>3</id><hddName>hdd1</hddName><status>Sleeping</status></hdd>
</hddList>`
	ds, err := parseISAPIStorage([]byte(hddList))
	require.NoError(t, err)
	require.Len(t, ds, 3)
	assert.Equal(t, "hdd1", ds[0].name, "no name: hdd<id>")
	assert.True(t, ds[0].ok, "idle spins down, it is healthy")
	assert.Equal(t, "hdd1#2", ds[1].name, "names stay unique")
	assert.False(t, ds[1].ok)
	assert.False(t, ds[1].sized, "a capacity that is not a number is no size")
	assert.Equal(t, "hdd1#3", ds[2].name)
	assert.True(t, ds[2].ok)

	psia := `<storage xmlns="urn:psialliance-org"><hddList><hdd><id>1</id><hddName>a</hddName><status>ok</status>` +
		`<capacity>10</capacity><freeSpace>20</freeSpace></hdd></hddList></storage>`
	ds, err = parseISAPIStorage([]byte(psia))
	require.NoError(t, err)
	assert.False(t, ds[0].sized, "more free than capacity is not believed")

	notSupport := `<?xml version="1.0" encoding="UTF-8"?>
<ResponseStatus version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<requestURL>/ISAPI/ContentMgmt/Storage</requestURL><statusCode>4</statusCode>
<statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>`
	_, err = parseISAPIStorage([]byte(notSupport))
	assert.ErrorIs(t, err, errNotSupported)

	for _, bad := range []string{"", "<html>502</html>", "<storage><hddList>", `<?xml version="1.0" encoding="GB2312"?><storage/>`} {
		_, err = parseISAPIStorage([]byte(bad))
		assert.ErrorIs(t, err, ErrFormat, "%q", bad)
	}
}

func TestParseSearchResult(t *testing.T) {
	page := `<?xml version="1.0" encoding="UTF-8"?>
<CMSearchResult version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<searchID>{C2F4E7B0-1234-4F2C-8A3B-0123456789AB}</searchID>
<responseStatus>true</responseStatus>
<responseStatusStrg>MORE</responseStatusStrg>
<numOfMatches>2</numOfMatches>
<matchList>
<searchMatchItem><sourceID>{x}</sourceID><trackID>101</trackID>
<timeSpan><startTime>2026-01-15T10:00:00Z</startTime><endTime>2026-01-15T10:30:00Z</endTime></timeSpan>
<mediaSegmentDescriptor><contentType>video</contentType><codecType>H.264-BP</codecType>
<playbackURI>rtsp://10.0.0.5/Streaming/tracks/101/?starttime=20260115T100000Z&amp;endtime=20260115T103000Z&amp;name=00000001&amp;size=1024</playbackURI>
</mediaSegmentDescriptor>
<metadataMatches><metadataDescriptor>recordType.meta.hikvision.com/timing</metadataDescriptor></metadataMatches>
</searchMatchItem>
<searchMatchItem><trackID>101</trackID>
<timeSpan><startTime>2026-01-15T10:30:00+08:00</startTime><endTime>2026-01-15T10:45:00.500Z</endTime></timeSpan>
</searchMatchItem>
</matchList>
</CMSearchResult>`
	res, err := parseSearchResult([]byte(page), cst.Location)
	require.NoError(t, err)
	assert.True(t, res.more)
	require.Len(t, res.spans, 2)
	want := time.Date(2026, 1, 15, 10, 0, 0, 0, cst.Location)
	assert.True(t, res.spans[0].start.Equal(want), "a Z time is the recorder's wall clock: %s", res.spans[0].start)
	assert.True(t, res.spans[1].start.Equal(want.Add(30*time.Minute)), "an explicit offset is honoured")
	assert.True(t, res.spans[1].end.Equal(time.Date(2026, 1, 15, 10, 45, 0, 5e8, cst.Location)))

	utc, err := parseSearchResult([]byte(page), time.UTC)
	require.NoError(t, err)
	assert.True(t, utc.spans[0].start.Equal(time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)), "time_zone=UTC: Z is real")

	noMatch := `<CMSearchResult xmlns="http://www.isapi.org/ver20/XMLSchema"><searchID>1</searchID>` +
		`<responseStatus>true</responseStatus><responseStatusStrg>NO MATCHES</responseStatusStrg><numOfMatches>0</numOfMatches></CMSearchResult>`
	res, err = parseSearchResult([]byte(noMatch), cst.Location)
	require.NoError(t, err)
	assert.Empty(t, res.spans)
	assert.False(t, res.more)

	for name, bad := range map[string]string{
		"unknown status":    `<CMSearchResult><responseStatusStrg>WHATEVER</responseStatusStrg></CMSearchResult>`,
		"bad time":          `<CMSearchResult><responseStatusStrg>OK</responseStatusStrg><matchList><searchMatchItem><timeSpan><startTime>yesterday</startTime><endTime>2026-01-15T10:00:00Z</endTime></timeSpan></searchMatchItem></matchList></CMSearchResult>`,
		"ends before start": `<CMSearchResult><responseStatusStrg>OK</responseStatusStrg><matchList><searchMatchItem><timeSpan><startTime>2026-01-15T10:00:00Z</startTime><endTime>2026-01-15T09:00:00Z</endTime></timeSpan></searchMatchItem></matchList></CMSearchResult>`,
		"other root":        `<storage/>`,
	} {
		_, err := parseSearchResult([]byte(bad), cst.Location)
		assert.ErrorIs(t, err, ErrFormat, name)
	}
	_, err = parseSearchResult([]byte(`<CMSearchResult><responseStatus>false</responseStatus><responseStatusStrg>OK</responseStatusStrg></CMSearchResult>`), cst.Location)
	assert.ErrorIs(t, err, ErrDevice)
}

func TestSearchBodySpelling(t *testing.T) {
	from := time.Date(2026, 1, 15, 10, 0, 0, 0, cst.Location)
	b := string(searchBody("ID-1", "101", from, from.Add(5*time.Minute), 40, 80))
	assert.Contains(t, b, "<searchResultPostion>80</searchResultPostion>", "the firmware's spelling")
	assert.Contains(t, b, "<startTime>2026-01-15T10:00:00Z</startTime>")
	assert.Contains(t, b, "<trackID>101</trackID>")
}

// The notes' sample (fs#69668631958): a full disk, UsedBytes = TotalBytes.
const dahuaStorageSample = "list.info[0].Detail[0].TotalBytes=2000324395008.000000\r\n" +
	"list.info[0].Detail[0].UsedBytes=2000324395008.000000\r\n" +
	"list.info[0].Detail[0].IsError=false\r\n" +
	"list.info[0].Detail[0].Path=/dev/sda0\r\n" +
	"list.info[0].Name=/dev/sda\r\n" +
	"list.info[0].State=Success\r\n" +
	"list.info[0].HealthDataFlag=0\r\n"

func TestParseDahuaStorage(t *testing.T) {
	ds, err := parseDahuaStorage([]byte(dahuaStorageSample))
	require.NoError(t, err)
	assert.Equal(t, []disk{{name: "/dev/sda", ok: true, okKnown: true, capacity: 2000324395008, free: 0, sized: true}}, ds)

	variants := "list[0].Name=/dev/sda\nlist[0].State=Running\nlist[0].Detail[0].TotalBytes=1000\n" +
		"list[0].Detail[0].TotalFreeBytes=400\nlist[0].Detail[1].TotalBytes=1000\nlist[0].Detail[1].TotalFreeBytes=100\n" +
		"info[1].Name=/dev/sdb\ninfo[1].State=Error\ninfo[1].Detail[0].TotalBytes=500\ninfo[1].Detail[0].UsedBytes=100\n" +
		"list.info[2].State=Success\nlist.info[2].Detail[0].IsError=true\n"
	ds, err = parseDahuaStorage([]byte(variants))
	require.NoError(t, err)
	require.Len(t, ds, 3)
	assert.Equal(t, disk{name: "/dev/sda", ok: true, okKnown: true, capacity: 2000, free: 500, sized: true}, ds[0],
		"partitions add up; TotalFreeBytes firmware")
	assert.Equal(t, disk{name: "/dev/sdb", ok: false, okKnown: true, capacity: 500, free: 400, sized: true}, ds[1])
	assert.Equal(t, "disk2", ds[2].name)
	assert.False(t, ds[2].ok, "a partition in error fails the disk")
	assert.False(t, ds[2].sized)

	_, err = parseDahuaStorage([]byte("Error\r\nBad Request!\r\n"))
	assert.ErrorIs(t, err, ErrDevice)
	assert.Contains(t, err.Error(), "Bad Request!")
	for _, bad := range []string{"<html>", "list.info[0].Detail[0].TotalBytes=lots\r\n"} {
		_, err = parseDahuaStorage([]byte(bad))
		assert.ErrorIs(t, err, ErrFormat, "%q", bad)
	}
}

func TestParseDahuaFind(t *testing.T) {
	reply := "found=2\r\nitems[0].Channel=1\r\nitems[0].StartTime=2026-01-15 10:00:00\r\n" +
		"items[0].EndTime=2026-01-15 11:00:00\r\nitems[0].Type=dav\r\n" +
		"items[1].Channel =1\r\nitems[1].StartTime =2026-1-15 11:00:00\r\nitems[1].EndTime =2026-1-15 11:05:07\r\n"
	spans, found, err := parseDahuaFind([]byte(reply), cst.Location)
	require.NoError(t, err)
	assert.Equal(t, 2, found)
	require.Len(t, spans, 2)
	assert.True(t, spans[0].start.Equal(time.Date(2026, 1, 15, 10, 0, 0, 0, cst.Location)))
	assert.True(t, spans[1].end.Equal(time.Date(2026, 1, 15, 11, 5, 7, 0, cst.Location)), "unpadded, spaced keys")

	spans, found, err = parseDahuaFind([]byte("found=0\r\n"), cst.Location)
	require.NoError(t, err)
	assert.Zero(t, found)
	assert.Empty(t, spans)

	for _, bad := range []string{"", "items[0].StartTime=2026-01-15 10:00:00\r\n", "found=3\r\n",
		"found=1\r\nitems[0].StartTime=2026-01-15 10:00:00\r\n", "found=-1\r\n"} {
		_, _, err = parseDahuaFind([]byte(bad), cst.Location)
		assert.ErrorIs(t, err, ErrFormat, "%q", bad)
	}

	obj, err := parseDahuaObject([]byte("result=08137\r\n"))
	require.NoError(t, err)
	assert.Equal(t, "08137", obj)
	obj, err = parseDahuaObject([]byte("object=42\r\n"))
	require.NoError(t, err)
	assert.Equal(t, "42", obj)
	_, err = parseDahuaObject([]byte("result=1&action=destroy\r\n"))
	assert.ErrorIs(t, err, ErrFormat, "an object id that would forge a query")
	assert.NoError(t, parseDahuaOK([]byte("OK\r\n"), "findFile"))
	assert.ErrorIs(t, parseDahuaOK([]byte("Error\r\nBad Request!\r\n"), "findFile"), ErrDevice)
}
