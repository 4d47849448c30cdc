package importer

import (
	"strings"
	"unicode"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Field is a column meaning posdesk understands. A profile maps fields to the column names of
// one file shape.
type Field string

// The fields of POS exports, settlement statements and bank statements.
const (
	FieldMerchant     Field = "merchant"      // 商户号
	FieldMerchantName Field = "merchant_name" // 商户名称 (recognised, not stored)
	FieldStore        Field = "store"         // 门店 (recognised, not stored)
	FieldTerminal     Field = "terminal"      // 终端号
	FieldBatch        Field = "batch"         // 批次号
	FieldTrace        Field = "trace"         // 凭证号 / 流水号
	FieldRRN          Field = "rrn"           // 参考号
	FieldAuth         Field = "auth"          // 授权码
	FieldCard         Field = "card"          // 卡号
	FieldCardType     Field = "card_type"     // 卡类型
	FieldIssuer       Field = "issuer"        // 发卡行
	FieldScheme       Field = "scheme"        // 卡组织
	FieldKind         Field = "kind"          // 交易类型
	FieldStatus       Field = "status"        // 交易状态
	FieldChannel      Field = "channel"       // 支付方式
	FieldAmount       Field = "amount"        // 交易金额
	FieldFee          Field = "fee"           // 手续费
	FieldNet          Field = "net"           // 清算金额 / 结算金额
	FieldCurrency     Field = "currency"      // 币种
	FieldDate         Field = "date"          // 交易日期 / 记账日期
	FieldTime         Field = "time"          // 交易时间
	FieldSettleDate   Field = "settle_date"   // 清算日期
	FieldDescription  Field = "description"   // 摘要
	FieldCounterparty Field = "counterparty"  // 对方户名
	FieldCredit       Field = "credit"        // 收入金额
	FieldDebit        Field = "debit"         // 支出金额
	FieldBalance      Field = "balance"       // 余额
	FieldDirection    Field = "direction"     // 借贷标志
	FieldNote         Field = "note"          // 备注 (recognised, not stored)
)

// synonyms maps normalised column names (see normHeader) to fields. Order matters only for
// readability; a name maps to one field.
var synonyms = map[string]Field{}

func init() {
	add := func(f Field, names ...string) {
		for _, n := range names {
			k := normHeader(n)
			if old, dup := synonyms[k]; dup && old != f {
				panic("importer: column name " + n + " maps to " + string(old) + " and " + string(f))
			}
			synonyms[k] = f
		}
	}
	add(FieldMerchant, "商户号", "商户编号", "商户代码", "商户编码", "MID", "Merchant ID", "Merchant No", "Merchant Number", "Merchant Code")
	add(FieldMerchantName, "商户名称", "商户名", "Merchant Name", "Merchant")
	add(FieldStore, "门店", "门店名称", "店铺", "Store", "Shop", "Outlet")
	add(FieldTerminal, "终端号", "终端编号", "终端", "终端代码", "终端ID", "TID", "Terminal", "Terminal ID", "Terminal No", "Terminal Number", "POS ID")
	add(FieldBatch, "批次号", "批次", "批号", "Batch", "Batch No", "Batch Number")
	add(FieldTrace, "凭证号", "流水号", "终端流水号", "凭证编号", "POS流水号", "Trace", "Trace No", "Trace Number", "Voucher", "Voucher No", "STAN", "Invoice No")
	add(FieldRRN, "参考号", "系统参考号", "检索参考号", "交易参考号", "参考编号", "RRN", "Reference No", "Reference Number", "Ref No", "Reference", "Retrieval Reference Number")
	add(FieldAuth, "授权码", "授权号", "授权号码", "Auth", "Auth Code", "Authorization Code", "Authorisation Code", "Approval Code")
	add(FieldCard, "卡号", "交易卡号", "银行卡号", "卡号码", "Card", "Card No", "Card Number", "PAN", "Masked Card")
	add(FieldCardType, "卡类型", "卡类别", "卡种", "借贷记标识", "Card Type")
	add(FieldIssuer, "发卡行", "发卡银行", "发卡机构", "Issuer", "Issuing Bank", "Issuer Bank")
	add(FieldScheme, "卡组织", "卡品牌", "Scheme", "Card Scheme", "Brand", "Card Brand")
	add(FieldKind, "交易类型", "交易种类", "类型", "业务类型", "Type", "Transaction Type", "Txn Type", "Trans Type")
	add(FieldStatus, "状态", "交易状态", "交易结果", "应答", "处理结果", "Status", "Result", "Response", "Transaction Status")
	add(FieldChannel, "渠道", "支付方式", "支付渠道", "交易渠道", "Channel", "Payment Method")
	add(FieldAmount, "交易金额", "金额", "交易本金", "消费金额", "订单金额", "发生额", "Amount", "Txn Amount", "Transaction Amount", "Trans Amount")
	add(FieldFee, "手续费", "手续费金额", "商户手续费", "扣率手续费", "Fee", "Fees", "Commission", "MDR", "Service Fee")
	add(FieldNet, "清算金额", "结算金额", "入账金额", "实收金额", "划款金额", "应结算金额", "Net", "Net Amount", "Settled Amount", "Settlement Amount", "Settle Amount")
	add(FieldCurrency, "币种", "币别", "货币", "Currency", "CCY")
	add(FieldDate, "交易日期", "日期", "记账日期", "交易日", "Date", "Transaction Date", "Txn Date", "Trans Date", "Booking Date", "Posting Date")
	add(FieldTime, "交易时间", "时间", "交易日期时间", "Time", "Transaction Time", "Txn Time", "Trans Time", "Date Time", "Datetime")
	add(FieldSettleDate, "清算日期", "结算日期", "入账日期", "划款日期", "Settlement Date", "Settle Date", "Value Date")
	add(FieldDescription, "摘要", "用途", "附言", "交易摘要", "交易描述", "Description", "Narrative", "Details", "Particulars")
	add(FieldCounterparty, "对方户名", "对方账户名", "对方名称", "对方账户名称", "对方单位", "Counterparty", "Payer", "Payee", "Counterparty Name")
	add(FieldCredit, "收入金额", "收入", "贷方金额", "贷方发生额", "存入金额", "Credit", "Credit Amount", "Deposit", "Deposits", "Money In")
	add(FieldDebit, "支出金额", "支出", "借方金额", "借方发生额", "取出金额", "Debit", "Debit Amount", "Withdrawal", "Withdrawals", "Money Out")
	add(FieldBalance, "余额", "账户余额", "当前余额", "Balance", "Running Balance")
	add(FieldDirection, "借贷标志", "借贷方向", "收支", "收支方向", "借贷", "Dr/Cr", "Direction", "Debit/Credit")
	add(FieldNote, "备注", "附注", "说明", "Note", "Notes", "Remark", "Remarks", "Memo", "Comment")
}

// normHeader normalises a column name for lookup: full-width letters made ASCII, lower case, a
// unit in brackets at the end dropped ("交易金额(元)" -> "交易金额"), spaces and punctuation removed.
func normHeader(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\ufeff"))
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		case r == '【' || r == '［':
			return '('
		case r == '】' || r == '］':
			return ')'
		}
		return unicode.ToLower(r)
	}, s)
	// Drop a trailing bracketed unit: (元), (rmb), [cny], (人民币).
	for {
		s = strings.TrimSpace(s)
		if !strings.HasSuffix(s, ")") {
			break
		}
		i := strings.LastIndexByte(s, '(')
		if i <= 0 {
			break
		}
		s = s[:i]
	}
	s = strings.TrimSuffix(s, "/元")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '.' || r == ':' || r == '#' || r == '*' || r == '"' || r == '\'' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lookupField returns the field a column name stands for, or "".
func lookupField(name string) Field { return synonyms[normHeader(name)] }

var (
	kindValues    = map[string]posdesk.TxKind{}
	statusValues  = map[string]posdesk.TxStatus{}
	channelValues = map[string]posdesk.Channel{}
)

func init() {
	kind := func(v posdesk.TxKind, names ...string) {
		for _, n := range names {
			kindValues[normValue(n)] = v
		}
	}
	status := func(v posdesk.TxStatus, names ...string) {
		for _, n := range names {
			statusValues[normValue(n)] = v
		}
	}
	kind(posdesk.KindSale, "消费", "销售", "消费交易", "刷卡消费", "扫码消费", "支付", "收款", "sale", "sales", "purchase", "payment", "pay")
	kind(posdesk.KindVoid, "撤销", "消费撤销", "撤消", "void", "cancel", "cancellation")
	kind(posdesk.KindRefund, "退货", "退款", "消费退货", "退货交易", "refund", "return")
	kind(posdesk.KindReversal, "冲正", "消费冲正", "撤销冲正", "reversal", "reverse")
	kind(posdesk.KindPreAuth, "预授权", "预授权交易", "preauth", "pre-auth", "pre-authorization", "pre-authorisation", "authorization")
	kind(posdesk.KindPreAuthCompletion, "预授权完成", "预授权完成(请求)", "预授权完成请求", "完成", "completion", "preauth completion", "pre-auth completion", "capture")

	status(posdesk.StatusApproved, "成功", "交易成功", "批准", "已批准", "承兑", "正常", "approved", "success", "successful", "succeeded", "ok", "00")
	status(posdesk.StatusFailed, "失败", "交易失败", "错误", "failed", "fail", "failure", "error")
	status(posdesk.StatusDeclined, "拒绝", "已拒绝", "拒绝交易", "declined", "decline", "rejected", "refused")
	status(posdesk.StatusNoResponse, "超时", "无应答", "未返回", "无响应", "交易超时", "timeout", "timed out", "no response", "noresponse", "no_response")
	status(posdesk.StatusReversed, "已冲正", "冲正成功", "已撤销", "reversed", "voided", "cancelled", "canceled")
	status(posdesk.StatusSettled, "已结算", "已清算", "已入账", "settled", "cleared")
}

func init() {
	channel := func(v posdesk.Channel, names ...string) {
		for _, n := range names {
			channelValues[normValue(n)] = v
		}
	}
	channel(posdesk.ChannelDebitCard, "借记卡", "借记", "debit", "debit card", "debit_card")
	channel(posdesk.ChannelCreditCard, "贷记卡", "信用卡", "准贷记卡", "贷记", "credit", "credit card", "credit_card")
	channel(posdesk.ChannelUnionPayQR, "银联二维码", "云闪付", "银联扫码", "unionpay qr", "unionpay_qr", "quickpass")
	channel(posdesk.ChannelAlipay, "支付宝", "alipay")
	channel(posdesk.ChannelWeChatPay, "微信", "微信支付", "wechat", "wechat pay", "wechat_pay", "weixin")
	channel(posdesk.ChannelCash, "现金", "cash")
	channel(posdesk.ChannelUnknownCard, "银行卡", "刷卡", "card", "bank card")
}

func normValue(s string) string {
	s = strings.ToLower(normHeader(s))
	return s
}

// ParseKind returns the ledger's transaction kind for a cell ("消费", "SALE", "退货" ...), and
// whether it was recognised.
func ParseKind(s string) (posdesk.TxKind, bool) {
	k, ok := kindValues[normValue(cleanCell(s))]
	return k, ok
}

// ParseStatus returns the ledger's POS status for a cell ("成功", "APPROVED", "超时" ...), and
// whether it was recognised.
func ParseStatus(s string) (posdesk.TxStatus, bool) {
	v, ok := statusValues[normValue(cleanCell(s))]
	return v, ok
}

// ParseChannel returns the payment channel for a channel or card-type cell ("借记卡", "微信",
// "Credit") and whether it was recognised.
func ParseChannel(s string) (posdesk.Channel, bool) {
	v, ok := channelValues[normValue(cleanCell(s))]
	return v, ok
}

// totalsWords start the first cell of a totals or summary row.
var totalsWords = []string{"合计", "总计", "小计", "汇总", "共计", "本页合计", "总笔数", "total", "sum", "grandtotal", "subtotal"}

// isTotalsCell reports whether a row whose first non-empty cell is s is a totals row.
func isTotalsCell(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < 0x80 && c != 'T' && c != 't' && c != 'S' && c != 's' && c != 'G' && c != 'g' && c != ' ' {
		return false // digits and the like: a data row (fast path)
	}
	n := normHeader(s)
	for _, w := range totalsWords {
		if strings.HasPrefix(n, w) {
			return true
		}
	}
	return false
}
