package inventory

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the template workbook.
const (
	TemplateSheet = "资产清单"
	HelpSheet     = "说明"
)

// templateRows are the two example rows of the template.
var templateRows = [][]string{
	{"vm-hubin-001", "agent", "http://10.20.1.11:9100/metrics", "湖滨区", "县级", "湖滨区政务云机房", "不动产登记系统", "湖滨区自然资源局", "hubin-core", "os=linux;env=prod", ""},
	{"vm-lingbao-007", "agent", "http://10.30.4.7:9100/metrics", "灵宝市", "乡镇级", "阳平镇便民服务中心", "互联网+政务服务", "灵宝市行政审批局", "lingbao-agg", "", "path=/metrics"},
}

// templateDataRows is how far down the drop-down lists reach.
const templateDataRows = 5000

// WriteTemplate writes the inventory workbook operations teams fill in: sheet
// 资产清单 with the header row, drop-down lists for 区县, 层级 and 类型 and two
// example rows; sheet 链路清单 (links) likewise; and sheet 说明 explaining every
// column. kinds fills the 类型 list (the app passes the kinds it has); none
// given means the kinds of the example rows.
func WriteTemplate(w io.Writer, kinds ...string) error {
	if len(kinds) == 0 {
		kinds = exampleKinds()
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	steps := []func(*excelize.File) error{
		func(f *excelize.File) error { return writeSheetHeader(f, TemplateSheet, Columns) },
		func(f *excelize.File) error { return writeRows(f, TemplateSheet, templateRows) },
		dropDown(TemplateSheet, Columns, "district", districtNames()),
		dropDown(TemplateSheet, Columns, "level", levelWords()),
		dropDown(TemplateSheet, Columns, "kind", kinds),
		writeLinkSheet,
		writeHelp,
	}
	for _, step := range steps {
		if err := step(f); err != nil {
			return fmt.Errorf("write template: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}

func exampleKinds() []string {
	var out []string
	for _, r := range templateRows {
		if !slices.Contains(out, r[1]) {
			out = append(out, r[1])
		}
	}
	return out
}

func writeSheetHeader(f *excelize.File, sheet string, cols []column) error {
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.Chinese
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	last := colName(len(cols) - 1)
	if err := f.SetCellStyle(sheet, "A1", last+"1", style); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", last, 18); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func writeRows(f *excelize.File, sheet string, rows [][]string) error {
	for i, r := range rows {
		row := make([]any, len(r))
		for j, v := range r {
			row[j] = v
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row); err != nil {
			return err
		}
	}
	return nil
}

func dropDown(sheet string, cols []column, field string, values []string) func(*excelize.File) error {
	return func(f *excelize.File) error {
		col := ""
		for i, c := range cols {
			if c.Field == field {
				col = colName(i)
			}
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, templateDataRows)
		if err := dv.SetDropList(values); err != nil {
			return fmt.Errorf("drop-down for %s: %w", field, err)
		}
		return f.AddDataValidation(sheet, dv)
	}
}

func levelWords() []string {
	out := make([]string, len(Levels))
	for i, l := range Levels {
		out[i] = l.Chinese
	}
	return out
}

func writeHelp(f *excelize.File) error {
	if _, err := f.NewSheet(HelpSheet); err != nil {
		return err
	}
	rows := [][]any{{"列名", "英文列名", "必填", "说明"}}
	rows = append(rows, helpRows(Columns)...)
	rows = append(rows, []any{}, []any{LinkSheet + " 的列"})
	rows = append(rows, helpRows(LinkColumns)...)
	rows = append(rows, []any{}, []any{"区县取值", strings.Join(districtNames(), "、")},
		[]any{"说明", "第一行为表头；空行会被跳过；有问题的行会被报告并跳过，其余行照常导入。同一列纵向合并的单元格，其值适用于合并范围内的每一行；跨列合并的单元格会被报告，所在行被跳过。"},
		[]any{"链路", "每条链路生成一个链路信息采集目标（类型 link）；填写了探测地址的链路另生成一个网络质量探测目标（类型 netprobe）。同一冗余组内全部链路正常为“正常”，部分中断为“降级”，全部中断为“中断”。"})
	for i := range rows {
		if err := f.SetSheetRow(HelpSheet, fmt.Sprintf("A%d", i+1), &rows[i]); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(HelpSheet, "D", "D", 70); err != nil {
		return err
	}
	return f.SetColWidth(HelpSheet, "A", "C", 14)
}

func helpRows(cols []column) [][]any {
	var rows [][]any
	for _, c := range cols {
		req := "否"
		if c.Required {
			req = "是"
		}
		rows = append(rows, []any{c.Chinese, c.Field, req, c.Help})
	}
	return rows
}
