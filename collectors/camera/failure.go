package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// FailureKind tells apart why a camera round failed: an operator acts differently on a wrong
// password (call the owner), a timeout (look at the network path), a refusal (the camera's RTSP
// service is off or on another port) and a wrong address (fix the inventory).
type FailureKind string

// The failure kinds; Chinese() is the word the target list and the wall show.
const (
	FailAuth        FailureKind = "auth"        // 认证失败 (RTSP or HTTP 401/403)
	FailTimeout     FailureKind = "timeout"     // 连接超时
	FailRefused     FailureKind = "refused"     // 连接被拒绝
	FailAddress     FailureKind = "address"     // 地址错误 (bad URL, unknown host, 404)
	FailNoFrames    FailureKind = "no_frames"   // 无视频帧 (PLAY answered, no keyframe came)
	FailUnreachable FailureKind = "unreachable" // 网络不可达
	FailProtocol    FailureKind = "protocol"    // 应答异常 (not RTSP, an unexpected status, a bad SDP)
	FailClosed      FailureKind = "closed"      // 连接被断开
)

var failureWords = map[FailureKind]string{
	FailAuth: "认证失败", FailTimeout: "连接超时", FailRefused: "连接被拒绝", FailAddress: "地址错误",
	FailNoFrames: "无视频帧", FailUnreachable: "网络不可达", FailProtocol: "应答异常", FailClosed: "连接被断开",
}

// Chinese is the word operators read.
func (k FailureKind) Chinese() string {
	if w, ok := failureWords[k]; ok {
		return w
	}
	return string(k)
}

// Failure is a classified round failure. Its message is operator text in Chinese; it never holds a
// password (Detail is written by this package from status codes and addresses only).
type Failure struct {
	Kind   FailureKind
	Detail string
}

func (f *Failure) Error() string {
	if f.Detail == "" {
		return f.Kind.Chinese()
	}
	return f.Kind.Chinese() + "：" + f.Detail
}

func fail(kind FailureKind, format string, a ...any) *Failure {
	return &Failure{Kind: kind, Detail: fmt.Sprintf(format, a...)}
}

// KindOf returns the failure kind of err, "" when err is not a classified failure.
func KindOf(err error) FailureKind {
	var f *Failure
	if errors.As(err, &f) {
		return f.Kind
	}
	return ""
}

// classifyNet turns a network error of step (e.g. "连接 10.0.0.5:554") into a Failure. Only the
// error's class is used, never its text, so nothing the peer sent reaches the operator unfiltered.
func classifyNet(step string, err error) *Failure {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return fail(FailTimeout, "%s未在期限内应答", step)
	case errors.Is(err, context.Canceled):
		return fail(FailTimeout, "%s被中止（本轮结束）", step)
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return fail(FailTimeout, "%s：域名解析超时", step)
		}
		return fail(FailAddress, "%s：主机名无法解析", step)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fail(FailRefused, "%s：端口未开放 RTSP 服务", step)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fail(FailUnreachable, "%s：没有到达该地址的路由", step)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fail(FailClosed, "%s：对端关闭了连接", step)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fail(FailTimeout, "%s未在期限内应答", step)
	}
	return fail(FailClosed, "%s：连接中断", step)
}
