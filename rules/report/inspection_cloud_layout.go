package report

import "strings"

// cloudSection is the inspection report's government cloud platform: one
// summary paragraph and a table per part that has something to show. A
// part without data says so (无数据 / 未接入), never 0.
func (in *Inspection) cloudSection() section {
	c := in.Cloud
	sec := section{title: "七、政务云平台", paras: []string{c.summary(in.HorizonDays)}}
	if len(c.HostsDown)+len(c.Maintenance) > 0 {
		t := table{title: "宿主机异常", cols: cols("宿主机", 5, "集群", 5, "状态", 4)}
		for _, h := range c.HostsDown {
			t.rows = append(t.rows, []cell{txt(h.Host), txt(dash(h.Cluster)), txt("宕机或失联")})
		}
		for _, h := range c.Maintenance {
			t.rows = append(t.rows, []cell{txt(h.Host), txt(dash(h.Cluster)), txt("维护模式")})
		}
		sec.tables = append(sec.tables, t)
	}
	if len(c.HardwareProblems) > 0 {
		t := table{title: "服务器硬件异常", cols: cols("服务器", 4, "机柜", 2.5, "类别", 3, "说明", 8)}
		for _, p := range c.HardwareProblems {
			t.rows = append(t.rows, []cell{txt(p.Server), txt(dash(p.Rack)), txt(p.Kind), txt(p.Detail)})
		}
		sec.tables = append(sec.tables, t)
	}
	if len(c.Backups) > 0 {
		t := table{title: "备份作业", cols: cols("作业", 4, "系统", 3.5, "状态", 3, "最近运行", 4, "结果", 2, "最近成功", 4)}
		for _, j := range c.Backups {
			t.rows = append(t.rows, []cell{txt(j.Job), txt(dash(j.System)), txt(j.StateText), when(j.LastRun),
				txt(word(runWords, j.LastStatus)), when(j.LastSuccess)})
		}
		sec.tables = append(sec.tables, t)
	}
	sec.tables = append(sec.tables, c.roomTables()...)
	if len(c.Datastores) > 0 {
		t := table{title: "数据存储容量预测", cols: cols("数据存储", 6, "使用率", 3, "预计写满（天）", 3, "说明", 5)}
		for _, d := range c.Datastores {
			note := "近7天未增长，无写满预测"
			if d.DaysToFull.Known {
				note = "按近7天增速推算"
			}
			t.rows = append(t.rows, []cell{txt(d.Datastore), val(d.Used), val(d.DaysToFull), txt(note)})
		}
		sec.tables = append(sec.tables, t)
	}
	return sec
}

var runWords = map[string]string{"success": "成功", "failed": "失败", "running": "运行中", "": "—"}

func (c CloudStatus) roomTables() []table {
	var ts []table
	if len(c.UPS) > 0 {
		t := table{title: "UPS", cols: cols("UPS", 4, "机房", 3.5, "供电", 3.5, "剩余供电时间（分钟）", 3.5, "电池电量", 3)}
		for _, u := range c.UPS {
			src := "市电"
			if u.OnBattery {
				src = "电池供电"
			}
			t.rows = append(t.rows, []cell{txt(u.Instance), txt(dash(u.Room)), txt(src), val(u.Minutes), val(u.Charge)})
		}
		ts = append(ts, t)
	}
	if len(c.SingleFeed) > 0 {
		t := table{title: "双路供电异常机柜", cols: cols("机房", 4, "机柜", 3, "说明", 10)}
		for _, r := range c.SingleFeed {
			t.rows = append(t.rows, []cell{txt(dash(r.Room)), txt(r.Rack), txt(r.Detail)})
		}
		ts = append(ts, t)
	}
	if len(c.Rooms) > 0 {
		t := table{title: "机房温湿度（各机房最高值）", cols: cols("机房", 5, "最高温度（℃）", 4, "最高湿度", 4)}
		for _, r := range c.Rooms {
			t.rows = append(t.rows, []cell{txt(r.Room), val(r.TempMax), val(r.HumidMax)})
		}
		ts = append(ts, t)
	}
	return ts
}

// summary is one paragraph with every part of the cloud platform.
func (c CloudStatus) summary(horizon int) string {
	var p []string
	if c.HasHosts {
		p = append(p, "宿主机 "+itoa(c.Hosts)+" 台，运行 "+itoa(c.HostsUp)+" 台，宕机或失联 "+itoa(len(c.HostsDown))+" 台，维护模式 "+
			itoa(len(c.Maintenance))+" 台")
	} else {
		p = append(p, "宿主机无数据（未接入虚拟化平台）")
	}
	drives := len(c.HardwareProblems) - c.Critical - c.Warn
	if c.HasServers {
		p = append(p, "带外管理纳管服务器 "+itoa(c.Servers)+" 台，硬件故障 "+itoa(c.Critical)+" 台、硬件告警 "+itoa(c.Warn)+
			" 台，预测性故障硬盘 "+itoa(drives)+" 块")
	} else {
		p = append(p, "服务器硬件无数据（未接入带外管理）")
	}
	switch {
	case len(c.Backups) > 0:
		p = append(p, "备份作业 "+itoa(len(c.Backups))+" 个，当前异常（作业失败、作业超时或作业未按时执行）"+itoa(c.BackupsFailed)+" 个")
	default:
		p = append(p, "备份作业未接入（未配置备份作业）")
	}
	if c.HasRooms {
		p = append(p, "UPS "+itoa(len(c.UPS))+" 台，电池供电 "+itoa(c.OnBattery)+" 台；双路供电异常机柜 "+itoa(len(c.SingleFeed))+
			" 个；机房 "+itoa(len(c.Rooms))+" 个，最高温度超过 27℃ 的 "+itoa(c.HotRooms)+" 个")
	} else {
		p = append(p, "机房环境无数据（未接入UPS、PDU或温湿度传感器）")
	}
	if len(c.Datastores) > 0 {
		p = append(p, "数据存储 "+itoa(len(c.Datastores))+" 个，按近7天增速预计 "+itoa(horizon)+" 天内写满 "+itoa(c.FillingSoon)+" 个")
	} else {
		p = append(p, "数据存储无数据（未接入虚拟化平台）")
	}
	return strings.Join(p, "；") + "。"
}
