package inventory

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// LinkSheet is the sheet of links in a workbook and in the template.
const LinkSheet = "链路清单"

// LinkColumns are the columns of the link sheet, in template order; headers
// match as those of Columns do.
var LinkColumns = []column{
	{"name", "名称", true, "链路名称，唯一，不含空格，例如 city-hubin-1"},
	{"level", "层级", true, "市级 / 县级 / 乡镇级 / 村级（也可写 city/county/town/village）"},
	{"district", "区县", true, "十个区县之一（中文名称或拼音简称）"},
	{"a_device", "A端设备", true, "A 端网络设备在资产清单中的名称（SNMP 采集目标）；带宽利用率在 A 端接口上计算"},
	{"a_interface", "A端接口", true, "A 端接口名称（设备上报的 ifName），例如 GE1/0/1"},
	{"b_device", "B端设备", false, "B 端网络设备名称；互联网出口可不填，或只填运营商设备名称"},
	{"b_interface", "B端接口", false, "B 端接口名称（ifName）；填写时 B端设备 必填"},
	{"bandwidth", "带宽", true, "合同带宽（上下行对称），例如 100M、1G、2x10G"},
	{"group", "冗余组", false, "冗余组名称：互为备份的物理分离链路，或多运营商出口，填同一组名"},
	{"isp", "运营商", false, "互联网出口的运营商，例如 电信、联通、移动"},
	{"ipv4", "IPv4探测地址", false, "对端 IPv4 地址，用于时延、丢包、抖动探测"},
	{"ipv6", "IPv6探测地址", false, "对端 IPv6 地址；与 IPv4 同时填写时比较两种协议的质量"},
	{"labels", "标签", false, "其他标签，格式 k=v;k=v"},
}

// linkEntry builds the link of one data row of the link sheet.
func (s *sheetReader) linkEntry(i int) (entry, bool) {
	get := s.getter(i)
	ok := s.noCellErrors(i)
	l := Link{Name: get("name"), Level: get("level"), District: get("district"),
		ADevice: get("a_device"), AInterface: get("a_interface"), BDevice: get("b_device"), BInterface: get("b_interface"),
		Group: get("group"), ISP: get("isp"), IPv4: get("ipv4"), IPv6: get("ipv6")}
	if bw := get("bandwidth"); bw != "" && !isCellError(strings.TrimSpace(bw)) {
		v, err := ParseBandwidth(bw)
		if err != nil {
			s.problem(i, s.cols["bandwidth"], "%v", err)
			ok = false
		}
		l.BandwidthBps = v
	}
	labels, err := parseKV(get("labels"))
	if err != nil {
		s.problem(i, s.cols["labels"], "labels: %v", err)
		ok = false
	}
	l.Labels = labels
	l.Source = fmt.Sprintf("%s:%s!R%d", s.name, s.sheet, i+1)
	return entry{l: &l, where: s.where(i)}, ok
}

// templateLinks are the example rows of the template's link sheet: two paths
// of one redundancy group and two carrier exits (documentation addresses).
var templateLinks = [][]string{
	{"city-hubin-1", "县级", "湖滨区", "sx-core-01", "GE1/0/1", "hubin-agg-01", "GE0/0/1", "1G", "city-hubin", "", "10.4.0.1", "fd00:4::1", ""},
	{"city-hubin-2", "县级", "湖滨区", "sx-core-02", "GE1/0/1", "hubin-agg-01", "GE0/0/2", "1G", "city-hubin", "", "10.4.0.5", "fd00:4::5", ""},
	{"exit-telecom", "市级", "市本级", "sx-exit-01", "GE0/0/24", "", "", "1G", "internet-exit", "电信", "203.0.113.1", "2001:db8:1::1", ""},
	{"exit-unicom", "市级", "市本级", "sx-exit-02", "GE0/0/24", "", "", "500M", "internet-exit", "联通", "198.51.100.1", "2001:db8:2::1", ""},
}

// writeLinkSheet adds the link sheet to the template with its header, the
// example rows and drop-down lists for 区县 and 层级.
func writeLinkSheet(f *excelize.File) error {
	if _, err := f.NewSheet(LinkSheet); err != nil {
		return err
	}
	if err := writeSheetHeader(f, LinkSheet, LinkColumns); err != nil {
		return err
	}
	if err := writeRows(f, LinkSheet, templateLinks); err != nil {
		return err
	}
	if err := dropDown(LinkSheet, LinkColumns, "district", districtNames())(f); err != nil {
		return err
	}
	return dropDown(LinkSheet, LinkColumns, "level", levelWords())(f)
}
