package report

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// gaps is the time without data per SLI and entity, largest first. Usage
// days are left out: an agent that is offline is Bad in agent_online and
// would be listed again as a usage gap.
func (b *builder) gaps() []DataGap {
	var out []DataGap
	for _, e := range b.ents {
		if e.tally.UnknownS > 0 {
			out = append(out, DataGap{SLI: e.sli.Title, Entity: e.name, UnknownS: e.tally.UnknownS,
				Days: e.gap.days, First: e.gap.first, Last: e.gap.last})
		}
	}
	slices.SortFunc(out, func(x, y DataGap) int {
		return cmp.Or(cmp.Compare(y.UnknownS, x.UnknownS), cmp.Compare(x.SLI, y.SLI), cmp.Compare(x.Entity, y.Entity))
	})
	return out
}

// methods states, for the bureau, the rules behind every figure: the
// accounting of docs/sla.md and the report's own of docs/report.md.
func (b *builder) methods() []Paragraph {
	t := b.targets()
	p := []Paragraph{
		{"统计周期", "北京时间（Asia/Shanghai，UTC+8）自然月 " + b.month + "：" + cst.FormatTime(b.from) + " 至 " + cst.FormatTime(b.to) + "（不含）。各日为北京时间 00:00 至 24:00，月度数字为各日之和。"},
		{"判定口径", "每个对象、每个指标按统计窗口判定（插件在线与链路可用为 1 分钟，链路时延、丢包、抖动、误码为 5 分钟，窗口对齐北京时间零点）：窗口内任一原始样本不满足条件即为不达标，全部满足为达标，没有样本为无数据。时间精确到整秒。"},
		{"无数据", "采集中断或数据丢失的时间记为“无数据”，既不计为达标也不计为不达标，不进入比率，在“数据缺口”一节逐一列出。"},
		{"维护窗口与工作时间", "经批准的维护窗口内、以及仅在工作时间考核的指标在工作时间外的时间不计入，既不进入分子也不进入分母。"},
		{"对象增减与计数器重置", "月中新增或下线的对象只在其存在期内统计（首个样本至最后一个样本后 5 分钟）。计数器归零（设备重启）按重置处理，不产生不达标时间。"},
		{"比率与取整", "达标率 = 达标时长 ÷（达标时长 + 不达标时长），由整秒精确计算；百分比保留四位小数并截断，不向上取整（99.99996% 记为 99.9999%）。是否达标按未取整的精确比值判定；没有任何达标或不达标时间的指标记为“无数据”，结论为“无法判定”。"},
		{"离线与违约明细", "同一对象相接的不达标时段（包括跨越零点的）合并为一次；月末仍未恢复的记为“未恢复”。离线事件关联同一实例、时间重叠的故障事件；修复用时为离线时长，月末未恢复而事件在月后恢复的，按事件恢复时间计。违约明细的阈值取自指标的达标条件；最差值仅在该日有统计值时给出（当日 5 分钟均值的最高值）。"},
		{"事件统计", "只统计根事件；因上级故障抑制的事件单独计数，不计入平均响应与修复时长。平均响应时长（MTTA）= 已确认事件自发生至确认的平均用时；平均修复时长（MTTR）= 已恢复事件自发生至恢复的平均用时；未恢复事件逐一列出。目标：MTTA ≤ " +
			cst.FormatDuration(t.MTTA) + "，MTTR ≤ " + cst.FormatDuration(t.MTTR) + "；按未取整的平均值判定，无数据时为“无法判定”。影响最大的事件按级别、再按持续时长排序，列前 20 起。"},
		{"资源使用", "CPU与内存使用率取每日5分钟均值按区间数加权的月平均；CPU峰值为各日第95百分位数的最高值；磁盘使用率为最后一个有数据日的最后一个5分钟均值。分组的CPU与内存为组内全部区间的加权平均，峰值与磁盘为组内各云服务器数值的平均。"},
		{"闲置与低效判定", b.in.Findings.withDefaults().describe()},
		{"天鹅湖景区", "景区指标为引用 R-C2、R-C3、R-C4 的各项：摄像机在线率（RTSP 会话取到关键帧的时间占比，1 分钟窗口）、画面完好率（最近一次视频质量诊断未发现任何故障的时间占比，5 分钟窗口，没有有效诊断的时间为无数据）、录像完整率（每路通道的录像检索找到最近 5 分钟录像的时间占比，5 分钟窗口）、闸机与道闸可用率（设备报告正常的时间占比，1 分钟窗口）、LED屏可用率（屏幕点亮的时间占比，1 分钟窗口）；设备无法访问的时间为无数据。重大故障为系统为“天鹅湖景区”的紧急级根事件（因上级故障抑制的不计入），目标为零；本月没有任何景区数据时记为无数据、无法判定。客流与车流为闸机与车牌识别相机通行计数器的增量：相邻两个样本之差计入后一样本所在的日，计数器变小按重启处理、从零计起；入园人次最多的一日为峰值日。"},
		cloudMethods(),
		securityMethods(),
		{"明细篇幅", "违约明细、离线事件、数据缺口与资源判定在PDF中每表最多列 " + itoa(pdfRows) + " 条，其余注明条数；XLSX与HTML版本列出全部明细。"},
	}
	if b.in.Info.FrozenAt.IsZero() {
		p = append(p, Paragraph{"临时报告", "本月尚未封账：数字可能因迟到数据而变化，以封账后的正式报告为准。"})
	} else {
		p = append(p, Paragraph{"封账", "本月已于 " + cst.FormatTime(b.in.Info.FrozenAt) + " 封账；输入校验值（SHA-256）" + b.in.Info.InputSHA256 + " 覆盖全部日记录与事件，重新生成的报告数字不变。"})
	}
	if b.ignored > 0 {
		p = append(p, Paragraph{"未纳入的记录", "台账中有 " + itoa(b.ignored) + " 条日记录属于未配置的指标，未计入本报告。"})
	}
	return p
}
