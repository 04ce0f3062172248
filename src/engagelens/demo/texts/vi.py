"""Vietnamese texts of the demo, written the way Vietnamese followers comment (with and without
diacritics, teen-code abbreviations, one decomposed NFD sentence)."""

import unicodedata

COMMENTS: dict[str, tuple[str, ...]] = {
    "praise": (
        "Cà phê sữa đá ở đây ngon nhất quận luôn, uống là ghiền.",
        "Nhân viên dễ thương, quán sạch sẽ, sẽ quay lại lần nữa.",
        "Cold brew cam sả mới ra uống đã thật sự, cảm ơn Lumina!",
        "Bạc xỉu ở chi nhánh Quận 3 đậm vị, rất đáng tiền.",
        "Lần đầu thử mà mê luôn, hương thơm rất dễ chịu.",
        "Bánh sừng bò ăn kèm cà phê muối hợp lắm, tuần nào mình cũng ghé.",
        "Không gian yên tĩnh, ngồi làm việc cả buổi chiều rất thoải mái.",
    ),
    "question": (
        "Chi nhánh Thủ Đức mấy giờ mở cửa vậy shop?",
        "Có giao hàng tận nơi ở Bình Thạnh không ạ?",
        "Món này có phiên bản ít đường không ạ?",
        "Cho em hỏi thẻ thành viên dùng được ở tất cả chi nhánh không?",
        "Hạt cà phê này rang mức nào vậy ạ?",
        "Cà phê muối còn bán ở chi nhánh Hà Nội không shop?",
        "Mua mang đi trên app có được tích điểm không ạ?",
    ),
    "complaint": (
        "Ứng dụng bị lỗi không thanh toán được, mình thử ba lần rồi.",
        "Đợi 30 phút mới có nước, mà đá tan hết rồi.",
        "Giao thiếu món mà gọi tổng đài không ai nghe máy.",
        "Giá tăng mà ly nhỏ hơn, hơi thất vọng.",
        "Bị trừ tiền hai lần trên app, mong shop hoàn tiền sớm.",
        "Ly cà phê hôm nay bị chua, không giống mọi khi chút nào.",
        "Nhân viên ca tối thái độ không được tốt, hỏi gì cũng trả lời cộc lốc.",
        "App báo đặt thành công mà tới quán thì không thấy đơn đâu.",
    ),
    "purchase": (
        "Mua hạt cà phê ở đâu vậy shop? Mình muốn lấy 2 túi.",
        "Inbox giá giúp mình combo quà tặng Tết nhé.",
        "Đặt 20 ly cho văn phòng thì có giảm giá không ạ?",
        "Chốt đơn 1 hộp quà lunar new year nha shop.",
        "Gói đăng ký hàng tháng giá bao nhiêu vậy ạ?",
        "Shop ơi cho mình đặt 5 ly cà phê muối giao tới Quận 1 lúc 3 giờ chiều nhé.",
        "Có bán bình giữ nhiệt in logo không, mình muốn mua làm quà tặng.",
    ),
    "low_effort": ("ok", "đẹp", "hay", "uki", "ngon", "chấm", "hóng quá"),
    "tag_friend": (
        "@Linh Trần đi uống thử cuối tuần này nha",
        "@Minh Anh món mày thích nè",
        "@Hoa Nguyễn quán này nè, hôm bữa tao kể đó",
        "@Tuấn Kiệt chiều nay ra đây ngồi chạy deadline không?",
        "@Ngọc Hân ê có món mới nè, thứ 7 đi thử nha",
    ),
    "spam": (
        "Kiếm tiền online 500k mỗi ngày, liên hệ ngay http://kiemtien-nhanh.example",
        "Tăng like tăng follow giá rẻ, inbox zalo 09xx hoặc vào www.tanglike.example",
        "Nhận quà miễn phí tại http://bit.ly/qua-tang-free",
        "Hỗ trợ vay vốn nhanh, không cần thế chấp, xem chi tiết tại http://vayvon24h.example",
    ),
    "emoji": ("😍😍", "🥰☕", "👍👍👍", "🤤", "☕️💯"),
    "tricky": (
        unicodedata.normalize("NFD", "Cà phê sữa đá ngon tuyệt vời, nhân viên thân thiện."),
        "ca phe o day ngon lam, gia hop ly",
        "Quán\u200b đẹp\u200b lắm, chụp hình sống ảo cực xịn",
        "Ｃà ｐｈê ngon, phục vụ nhanh",
        unicodedata.normalize("NFD", "Giá hơi cao nhưng chất lượng xứng đáng, sẽ ủng hộ dài dài."),
        "ＬＵＭＩＮＡ ơi mở thêm chi nhánh ở Đà Nẵng đi, đợi lâu lắm rồi",
    ),
}

REPLIES: tuple[str, ...] = (
    "Mình cũng bị y chang, app lỗi hoài.",
    "Công nhận, bạc xỉu ở đây đỉnh thật.",
    "Hôm qua mình đi thì vẫn còn bán đó bạn.",
    "Thử cold brew đi, ngon hơn nhiều.",
)

BRAND: dict[str, tuple[str, ...]] = {
    "thanks": (
        "Cảm ơn bạn rất nhiều! Lumina sẽ chuyển lời khen đến đội ngũ nhé ☕",
        "Lumina rất vui vì bạn thích, hẹn gặp lại bạn sớm!",
    ),
    "answer": (
        "Chào bạn, chi nhánh mở cửa từ 7h đến 22h mỗi ngày nhé.",
        "Dạ có ạ, bạn có thể đặt giao hàng ngay trên ứng dụng Lumina.",
    ),
    "apology": (
        "Lumina thành thật xin lỗi bạn. Bạn nhắn tin mã đơn hàng để tụi mình xử lý ngay nhé.",
        "Xin lỗi vì sự bất tiện, đội kỹ thuật đang khắc phục lỗi ứng dụng ạ.",
    ),
    "sales": (
        "Bạn có thể đặt hạt cà phê trên website, miễn phí giao hàng cho đơn từ 300k nhé.",
        "Lumina đã nhắn tin báo giá combo quà tặng cho bạn rồi ạ.",
    ),
}

DMS: tuple[str, ...] = (
    "Shop ơi đơn hàng hôm qua của em chưa tới ạ.",
    "Cho mình hỏi có nhận đặt tiệc văn phòng không?",
    "App trừ tiền 2 lần, shop kiểm tra giúp em với.",
)

MENTIONS: dict[str, tuple[str, ...]] = {
    "positive": (
        "Cà phê của {brand} hôm nay ngon xuất sắc.",
        "Mê cold brew của {brand} quá trời.",
    ),
    "neutral": (
        "Có ai biết {brand} mở chi nhánh mới ở đâu không?",
        "{brand} hay {other} ngon hơn mọi người?",
    ),
    "negative": (
        "{brand} dạo này phục vụ chậm quá.",
        "Thất vọng với {brand}, nước nhạt thếch.",
    ),
    "outage": (
        "App {brand} sập rồi hả, không đặt được gì hết.",
        "App {brand} lỗi thanh toán, bị trừ tiền hai lần luôn.",
    ),
    "price": ("{brand} tăng giá nữa rồi, chắc chuyển qua {other}.",),
}

SURVEY: dict[str, tuple[str, ...]] = {
    "promoter": ("Cà phê ngon, nhân viên nhiệt tình.",),
    "passive": ("Ngon nhưng hơi đắt.",),
    "detractor": ("App hay bị lỗi, giao hàng chậm.",),
}
