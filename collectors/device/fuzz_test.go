package device

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime/multipart"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// FuzzParseProfile: any bytes give a profile or an error that names the
// file, never a panic; a profile that parses has what the drivers rely on.
func FuzzParseProfile(f *testing.F) {
	entries, _ := shippedProfiles.ReadDir("profiles")
	for _, e := range entries {
		b, _ := shippedProfiles.ReadFile("profiles/" + e.Name())
		f.Add(b)
	}
	f.Add([]byte("name: x\ndriver: tcp\nmetrics:\n  - {name: device_x, probe: up, labels: {a: '{{param.'}}\n"))
	f.Add([]byte("name: x\ndriver: snmp\nsnmp: {tables: [{id: t, columns: [{id: c, oid: 1.3}]}]}\nmetrics: [{name: device_x, column: t.c, labels: {a: '{{col.c}}'}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if p.Name == "" || len(p.Metrics) == 0 && p.Driver != driverPush {
			t.Fatalf("a parsed profile lacks its name or metrics: %+v", p)
		}
		for _, m := range p.Metrics {
			if m.Scale == 0 || len(m.labelNames) != len(m.Labels) {
				t.Fatalf("metric %s not compiled", m.Name)
			}
		}
	})
}

// FuzzPlatePush: any body, with any content type, is a message or an error.
func FuzzPlatePush(f *testing.F) {
	plate := `{"AlarmInfoPlate":{"channel":0,"deviceName":"IVS","ipaddr":"192.168.1.100","serialno":"eff50e18-e3d3862b",` +
		`"result":{"PlateResult":{"license":"粤Z9065澳","plateid":123,"isoffline":1,"direction":4,"confidence":96,` +
		`"timeStamp":{"Timeval":{"sec":1686299994,"usec":687772}},"gioouts":[{"ionum":"0","ctrltype":0}]}}}}`
	gio := `{"AlarmGioIn":{"deviceName":"IVS","ipaddr":"192.168.109.40","result":{"TriggerResult":{"source":3,"value":1}},"serialno":"d85b1269-8f942256"}}`
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for _, kv := range [][2]string{{"device_name", "IVS"}, {"ipaddr", "192.168.109.40"}, {"pass_wd", "admin"}, {"serialno", "d85b1269"}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	_ = mw.Close()
	f.Add("application/json", []byte(plate))
	f.Add("application/json", []byte(gio))
	f.Add(mw.FormDataContentType(), mp.Bytes())
	f.Add("application/x-www-form-urlencoded", []byte("serialno=a&ipaddr=1.2.3.4&pass_wd=x"))
	f.Add("application/json", []byte(`{"SerialData":{"serialno":"a","data":"Y2g=","dataLen":2}}`))
	f.Add("text/plain", []byte(`{"AlarmInfoPlate":{"result":{"PlateResult":{"plateid":"9e99"}}}}`))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		m, err := parsePush(ct, body)
		if err != nil {
			return
		}
		if m.kind == 0 || (m.serial == "" && m.ip == "") {
			t.Fatalf("a message without kind or sender: %+v", m)
		}
		for _, s := range []string{m.serial, m.ip, m.name, m.license} {
			if len(s) > maxPushField+len("…") || !utf8.ValidString(s) {
				t.Fatalf("field not bounded or not UTF-8: %q", s)
			}
		}
	})
}

// FuzzXMLToJSON: any answer becomes valid JSON or an error.
func FuzzXMLToJSON(f *testing.F) {
	f.Add([]byte("<?xml version=\"1.0\"?>\n<barrierGateStatus><!--ro-->1</barrierGateStatus>"))
	f.Add([]byte(`<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema"><a>1</a><a>2</a><b><c>x</c></b></DeviceInfo>`))
	f.Add([]byte("<a><a><a></a></a>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := xmlToJSON(data)
		if err == nil && !gjson.ValidBytes(j) {
			t.Fatalf("invalid JSON %q from %q", j, data)
		}
	})
}

// FuzzSIPResponse: any datagram is an answer with a valid status or an error.
func FuzzSIPResponse(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx\r\nCall-ID: a\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("OPTIONS sip:a SIP/2.0\r\n\r\n"))
	f.Add([]byte("SIP/2.0 99999 X\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseSIPResponse(data)
		if err == nil && (res.StatusCode < 100 || res.StatusCode > 699) {
			t.Fatalf("status %d accepted", res.StatusCode)
		}
		if err == nil {
			(&sipTransaction{branch: "z9hG4bKx", callID: "a"}).matches(res)
		}
	})
}

// FuzzDecodeRegisters: any wire bytes decode or fail cleanly, in every type
// and order.
func FuzzDecodeRegisters(f *testing.F) {
	f.Add([]byte{0x41, 0xac, 0, 0}, uint8(4))
	f.Add([]byte{0xff, 0xfe}, uint8(1))
	f.Fuzz(func(t *testing.T, wire []byte, sel uint8) {
		types := []string{"u16", "i16", "u32", "i32", "f32", "u64"}
		typ := types[int(sel)%len(types)]
		for _, bo := range []string{"big", "little"} {
			for _, wo := range []string{"high_first", "low_first"} {
				v, err := decodeRegisters(wire, typ, bo, wo)
				if err == nil && len(wire) != 2*registerWords(typ) {
					t.Fatalf("%d bytes accepted as %s (%v)", len(wire), typ, v)
				}
			}
		}
	})
}

// FuzzAnswerJSON: device answers of any shape map to values or errors.
func FuzzAnswerJSON(f *testing.F) {
	f.Add([]byte(`{"_type":"success","card":{"screenStatus":"on","brightness":255}}`), "card.brightness")
	f.Add([]byte(`{"code":"0","data":[{"parkName":"东","leftPlace":"12"}]}`), "data.0.leftPlace")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		ans, err := parseAnswer(data, "json")
		if err != nil {
			return
		}
		v := ans.Get(path)
		if !v.Exists() {
			return
		}
		m := &Metric{Name: "device_x", Parse: "leading_number", Scale: 1}
		_, _ = m.value(jsonRaw(v))
		_, _ = json.Marshal(v.Value())
	})
}

// FuzzParseOrder: any position list is a permutation of the wanted ids or a
// configuration error, never a panic.
func FuzzParseOrder(f *testing.F) {
	for _, s := range []string{"temperature,humidity", "humidity,temperature", " humidity , temperature", "temperature",
		"temperature,temperature", ",,", "温度,湿度"} {
		f.Add(s)
	}
	want := []string{"temperature", "humidity"}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseOrder("order", s, want)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("%q: error of another class: %v", s, err)
			}
			return
		}
		if len(got) != 2 || got[0] == got[1] || !slices.Contains(want, got[0]) || !slices.Contains(want, got[1]) {
			t.Fatalf("%q: not a permutation: %v", s, got)
		}
	})
}
