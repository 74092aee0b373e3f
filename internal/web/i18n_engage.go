package web

// engageText lists the texts of the wishlist, the recently viewed
// products and the product questions.
func engageText() []msg {
	return []msg{
		{key: "wish.add", ko: "찜하기", en: "Add to wishlist"},
		{key: "wish.remove", ko: "찜 해제", en: "Remove from wishlist"},
		{key: "wish.count", ko: "찜 %[1]d", en: "Wished by %[1]d"},
		{key: "wish.title", ko: "찜한 상품", en: "Wishlist"},
		{key: "wish.intro", ko: "찜한 상품이 다시 입고되거나 가격이 내리면 메일로 알려 드립니다.", en: "We email you when a product on your wishlist is back in stock or its price falls."},
		{key: "wish.none", ko: "아직 찜한 상품이 없습니다. 마음에 드는 상품의 찜하기를 눌러 보세요.", en: "Your wishlist is empty. Press Add to wishlist on a product you like."},
		{key: "recent.title", ko: "최근 본 상품", en: "Recently viewed"},
		{key: "recent.all", ko: "최근 본 상품 모두 보기", en: "All recently viewed products"},
		{key: "recent.none", ko: "최근 본 상품이 없습니다.", en: "You have not viewed any products yet."},
		{key: "qna.heading", ko: "상품 문의 (%[1]d)", en: "Questions (%[1]d)"},
		{key: "qna.none", ko: "아직 문의가 없습니다. 궁금한 점을 남겨 주세요.", en: "No questions yet. Ask yours."},
		{key: "qna.more", ko: "최근 문의 10개를 보여 드립니다.", en: "The latest 10 questions are shown."},
		{key: "qna.ask", ko: "상품 문의하기", en: "Ask a question"},
		{key: "qna.body", ko: "문의 내용", en: "Your question"},
		{key: "qna.body.invalid", ko: "문의 내용을 %[1]d자 이내로 적어 주세요.", en: "Write your question in at most %[1]d characters."},
		{key: "qna.private", ko: "비밀글로 남기기 (작성자와 판매자만 볼 수 있습니다)", en: "Private (only you and the shop can read it)"},
		{key: "qna.private.mark", ko: "비밀글", en: "Private"},
		{key: "qna.hidden", ko: "비밀글입니다.", en: "This question is private."},
		{key: "qna.answered", ko: "답변완료", en: "Answered"},
		{key: "qna.waiting", ko: "답변대기", en: "Waiting for an answer"},
		{key: "qna.answer.by", ko: "판매자 답변", en: "The shop's answer"},
		{key: "qna.mine", ko: "상품 문의 내역", en: "My product questions"},
		{key: "qna.mine.none", ko: "남기신 상품 문의가 없습니다.", en: "You have not asked about any product."},
	}
}
