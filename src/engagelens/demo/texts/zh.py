"""Chinese texts of the demo (simplified), in the register of Weibo/Xiaohongshu comments,
with full-width punctuation and one full-width Latin brand name."""

COMMENTS: dict[str, tuple[str, ...]] = {
    "praise": (
        "这家的冷萃真的太好喝了，每天都要来一杯。",
        "店员超级热情，环境也很舒服，会再来的！",
        "新出的豆蔻拿铁绝了，强烈推荐。",
        "包装好看，咖啡也好喝，送人很有面子。",
        "第一次喝就爱上了，香味很浓郁。",
    ),
    "question": (
        "请问南京路店几点开门？",
        "有燕麦奶可以换吗？",
        "这个豆子可以网上买吗？",
        "会员积分可以在所有门店用吗？",
    ),
    "complaint": (
        "APP付款一直闪退，试了三次都不行。",
        "等了半个小时才拿到咖啡，冰都化了。",
        "外卖少送了一杯，客服电话也打不通。",
        "又涨价了，杯子还变小了，有点失望。",
        "被扣了两次钱，希望尽快退款。",
    ),
    "purchase": (
        "想买两包咖啡豆，在哪里下单？",
        "春节礼盒还有吗？想订五盒。",
        "公司下午茶订二十杯有优惠吗？",
        "月度订阅多少钱一个月？",
    ),
    "low_effort": ("好", "赞", "哈哈", "沙发"),
    "tag_friend": (
        "@小雨 周末一起去这家吧",
        "@阿杰 你最爱的那款回来了",
        "@Lily 快看，冰咖啡上新了",
    ),
    "spam": (
        "日赚五百元，在家就能做，加微信了解 http://zhuanqian.example",
        "免费领取粉丝和点赞 www.fensi-free.example",
        "点击链接领取大奖 http://bit.ly/lingjiang",
    ),
    "emoji": ("😍😍😍", "☕👍", "🥤❤️"),
    "tricky": (
        "Ｌｕｍｉｎａ的咖啡真的不错，就是有点贵",
        "好喝\u200b好喝\u200b好喝",
        "ＡＰＰ又崩了，什么时候能修好？",
        "冷萃\u200c yyds!!!",
    ),
}

REPLIES: tuple[str, ...] = (
    "我也遇到了，APP太卡了。",
    "同意，冷萃是最好喝的。",
    "昨天去还有卖的。",
)

BRAND: dict[str, tuple[str, ...]] = {
    "thanks": ("谢谢你的喜欢！我们会转告团队的 ☕", "很高兴你喜欢，期待再次见到你！"),
    "answer": ("你好，门店每天早上七点到晚上十点营业哦。", "有的，可以在Lumina APP里直接下单。"),
    "apology": ("非常抱歉给你带来不便，请私信订单号，我们马上处理。",
                "抱歉，技术团队正在修复APP的问题。"),
    "sales": ("咖啡豆可以在官网购买，满两百包邮哦。", "春节礼盒已上架，APP里就能下单。"),
}

DMS: tuple[str, ...] = (
    "你好，我昨天的订单还没到。",
    "公司活动可以订四十杯吗？",
    "被扣了两次钱，麻烦查一下。",
)

MENTIONS: dict[str, tuple[str, ...]] = {
    "positive": ("今天的{brand}冷萃太好喝了。", "{brand}的新品真的很惊艳。"),
    "neutral": ("有人知道{brand}新店开在哪里吗？", "{brand}和{other}哪个更好喝？"),
    "negative": ("{brand}最近出餐好慢。", "对{brand}有点失望，咖啡很淡。"),
    "outage": ("{brand}的APP是不是崩了？完全下不了单。", "{brand} APP扣了我两次钱！"),
    "price": ("{brand}又涨价了，准备换{other}了。",),
}

SURVEY: dict[str, tuple[str, ...]] = {
    "promoter": ("咖啡好喝，店员热情。",),
    "passive": ("还不错，就是有点贵。",),
    "detractor": ("APP经常出错，很麻烦。",),
}
