package seed

import "github.com/mallang/mallang/internal/catalog"

// optionKind says which options a product of a leaf category may have.
type optionKind int

const (
	noOptions     optionKind = iota
	clothing                 // 사이즈 S/M/L/XL × 색상
	footwear                 // 사이즈 230–280 (and sometimes 색상)
	colours                  // 색상 only
	deliveryCycle            // 배송 주기, for subscriptions
)

// top is a top-level category of the demo tree.
type top struct {
	slug, name, nameEN string
	leaves             []leaf
}

// leaf is a second-level category and the words its products are made of:
// a name is "adjective noun suffix".
type leaf struct {
	slug, name, nameEN string
	hue                float64 // of the generated product images, 0–360
	adjectives         []string
	nouns              []string
	suffixes           []string // "" keeps a name short
	minPrice, maxPrice int64    // won
	options            optionKind
	optionShare        int // percent of products with options
	typ                catalog.ProductType
	subscriptionShare  int      // percent of products sold as subscriptions
	features           []string // sentences for descriptions and summaries
	taxFree            bool     // VAT-exempt goods (unprocessed farm produce)
}

var (
	sizesClothing = []string{"S", "M", "L", "XL"}
	sizesShoes    = []string{"230", "240", "250", "260", "270", "280"}
	colourNames   = []string{"블랙", "화이트", "네이비", "베이지", "차콜"}
	deliveryEvery = []string{"2주마다", "4주마다"}
)

// tree is the demo catalog: 4 top-level categories, 10 leaves.
var tree = []top{
	{"food", "식품", "Food", []leaf{
		{
			slug: "chocolate-dessert", name: "초콜릿·디저트", nameEN: "Chocolate & desserts", hue: 22,
			adjectives: []string{"벨기에", "수제", "스위스", "프랑스 정통", "제주 한라봉", "저당", "유기농", "말랑", "클래식", "카카오 70%"},
			nouns:      []string{"다크초콜릿", "밀크초콜릿", "마카롱", "생초콜릿", "브라우니", "휘낭시에", "초코칩 쿠키", "트러플 초콜릿", "치즈케이크", "티라미수", "에그타르트"},
			suffixes:   []string{"선물세트", "12구", "6개입", "박스", "미니 세트", "200g", ""},
			minPrice:   6000, maxPrice: 45000,
			features: []string{
				"카카오 버터만 사용해 입안에서 부드럽게 녹습니다.",
				"매일 아침 소량씩 만들어 신선함을 지켰습니다.",
				"방부제를 넣지 않아 받으신 뒤 닷새 안에 드시길 권합니다.",
				"고급스러운 상자에 담겨 선물하기 좋습니다.",
				"단맛을 줄여 부담 없이 즐길 수 있습니다.",
				"커피나 홍차와 특히 잘 어울립니다.",
			},
		},
		{
			slug: "coffee-tea", name: "커피·차", nameEN: "Coffee & tea", hue: 35,
			adjectives: []string{"유기농 제주", "에티오피아 예가체프", "콜롬비아", "하동 야생", "보성", "스페셜티", "디카페인", "과테말라", "케냐 AA", "수제 블렌드"},
			nouns:      []string{"녹차 티백", "원두", "드립백 커피", "홍차", "보이차", "캐모마일 티", "콜드브루 원액", "말차 파우더", "루이보스 티"},
			suffixes:   []string{"40개입", "200g", "500g", "1kg", "20개입", "선물세트", ""},
			minPrice:   5000, maxPrice: 39000,
			subscriptionShare: 15,
			features: []string{
				"주문을 받은 뒤 볶아 향이 살아 있습니다.",
				"산뜻한 산미와 고소한 끝맛이 균형을 이룹니다.",
				"뜨거운 물에 2분이면 깊은 맛이 우러납니다.",
				"첫물 찻잎만 골라 맑고 부드럽습니다.",
				"아이스로 즐겨도 맛이 흐려지지 않습니다.",
				"개별 포장이라 사무실이나 여행지에서도 간편합니다.",
			},
		},
		{
			slug: "fruit-vegetables", name: "과일·채소", nameEN: "Fruit & vegetables", hue: 95,
			adjectives: []string{"제주", "성주", "청송", "무농약", "유기농", "산지직송", "고당도", "햇", "친환경", "나주"},
			nouns:      []string{"한라봉", "참외", "사과", "감귤", "방울토마토", "샤인머스캣", "배", "블루베리", "아스파라거스", "파프리카", "고구마"},
			suffixes:   []string{"2kg", "3kg", "5kg", "1박스", "500g 2팩", "가정용", "선물용"},
			minPrice:   9000, maxPrice: 59000,
			taxFree: true,
			features: []string{
				"수확한 다음 날 산지에서 바로 보내 드립니다.",
				"당도 선별기를 거친 것만 담았습니다.",
				"농약 없이 키워 껍질째 드셔도 좋습니다.",
				"크기는 조금씩 달라도 맛은 한결같습니다.",
				"아이 간식이나 샐러드 재료로 넉넉합니다.",
			},
		},
	}},
	{"fashion", "패션", "Fashion", []leaf{
		{
			slug: "clothing", name: "의류", nameEN: "Clothing", hue: 215,
			adjectives: []string{"베이직", "오버핏", "코튼", "린넨", "데일리", "울 블렌드", "세미 와이드", "릴랙스드", "캐시미어 터치", "헤비 코튼"},
			nouns:      []string{"반팔 티셔츠", "맨투맨", "후드 집업", "셔츠", "니트 가디건", "슬랙스", "데님 팬츠", "원피스", "조거 팬츠", "트렌치코트"},
			suffixes:   []string{"", "", "남녀공용", "에센셜", "시즌 2"},
			minPrice:   19000, maxPrice: 159000,
			options: clothing, optionShare: 80,
			features: []string{
				"몸을 옥죄지 않는 여유 있는 핏입니다.",
				"여러 번 빨아도 늘어나지 않도록 원단을 한 번 더 가공했습니다.",
				"사계절 내내 겹쳐 입기 좋은 두께입니다.",
				"피부에 닿는 촉감이 부드러워 오래 입어도 편안합니다.",
				"모델은 키 178cm에 L 사이즈를 입었습니다.",
			},
		},
		{
			slug: "shoes-bags", name: "신발·가방", nameEN: "Shoes & bags", hue: 265,
			adjectives: []string{"가죽", "캔버스", "경량", "데일리", "클래식", "비건 레더", "방수", "미니멀"},
			nouns:      []string{"스니커즈", "로퍼", "슬립온", "첼시 부츠", "샌들", "토트백", "크로스백", "백팩", "에코백", "숄더백"},
			suffixes:   []string{"", "", "2.0", "라이트"},
			minPrice:   29000, maxPrice: 219000,
			options: footwear, optionShare: 70,
			features: []string{
				"하루 종일 걸어도 발이 편하도록 쿠션을 넣었습니다.",
				"노트북과 텀블러가 함께 들어가는 넉넉한 수납공간입니다.",
				"가벼워서 여행 갈 때 챙기기 좋습니다.",
				"비 오는 날에도 걱정 없는 발수 소재입니다.",
				"어떤 옷차림에도 잘 어울리는 단정한 디자인입니다.",
			},
		},
	}},
	{"living", "생활", "Living", []leaf{
		{
			slug: "kitchen", name: "주방", nameEN: "Kitchen", hue: 175,
			adjectives: []string{"스테인리스", "무쇠", "원목", "내열유리", "논스틱", "북유럽풍", "도자기", "실리콘"},
			nouns:      []string{"프라이팬 28cm", "냄비 세트", "도마", "머그컵", "밀폐용기 세트", "수저 세트", "주전자", "접시", "계량컵"},
			suffixes:   []string{"", "2P", "4종 세트", "선물 포장"},
			minPrice:   4900, maxPrice: 129000,
			options: colours, optionShare: 30,
			features: []string{
				"식기세척기에 넣어도 괜찮습니다.",
				"인덕션과 가스레인지 모두에서 쓸 수 있습니다.",
				"환경호르몬 걱정 없는 소재만 썼습니다.",
				"쌓아서 보관할 수 있어 찬장이 깔끔해집니다.",
				"손에 쥐었을 때 무게감이 알맞습니다.",
			},
		},
		{
			slug: "bathroom", name: "욕실", nameEN: "Bathroom", hue: 195,
			adjectives: []string{"호텔식", "대나무", "천연", "순면", "규조토", "저자극", "라벤더", "무향"},
			nouns:      []string{"수건", "발매트", "칫솔", "샴푸", "바디워시", "비누", "욕실화", "샤워기 필터", "핸드워시"},
			suffixes:   []string{"5장", "3개입", "500ml", "1L", "리필", ""},
			minPrice:   3000, maxPrice: 45000,
			features: []string{
				"물기를 빠르게 흡수하고 금방 마릅니다.",
				"민감한 피부도 안심하고 쓸 수 있도록 자극 테스트를 마쳤습니다.",
				"은은한 향이 욕실에 오래 남습니다.",
				"리필 제품으로 플라스틱 쓰레기를 줄였습니다.",
			},
		},
		{
			slug: "stationery", name: "문구", nameEN: "Stationery", hue: 48,
			adjectives: []string{"무지", "크라프트", "레트로", "하드커버", "미니", "데일리", "도트", "리필형"},
			nouns:      []string{"노트", "다이어리", "만년필", "젤펜", "형광펜 세트", "스티커", "마스킹테이프", "연필 12자루", "엽서 세트", "데스크 매트"},
			suffixes:   []string{"A5", "B6", "2026", "5색", "세트", ""},
			minPrice:   1500, maxPrice: 49000,
			features: []string{
				"만년필로 써도 번지지 않는 두꺼운 종이입니다.",
				"펼쳤을 때 평평하게 눕는 실 제본입니다.",
				"필기감이 부드러워 오래 써도 손이 편합니다.",
				"선물하기 좋은 종이 상자에 담아 보내 드립니다.",
			},
		},
	}},
	{"digital", "디지털", "Digital", []leaf{
		{
			slug: "audio", name: "음향기기", nameEN: "Audio", hue: 285,
			adjectives: []string{"무선", "노이즈캔슬링", "블루투스 5.3", "휴대용", "하이파이", "게이밍", "오픈형"},
			nouns:      []string{"이어폰", "헤드폰", "스피커", "사운드바", "넥밴드", "턴테이블", "DAC 앰프", "마이크"},
			suffixes:   []string{"", "프로", "미니", "2세대"},
			minPrice:   19000, maxPrice: 399000,
			options: colours, optionShare: 40,
			features: []string{
				"한 번 충전으로 30시간 동안 들을 수 있습니다.",
				"주변 소음을 줄여 음악에 집중하게 해 줍니다.",
				"저음이 단단하고 보컬이 또렷합니다.",
				"1년 무상 수리를 보장합니다.",
				"스마트폰과 노트북에 동시에 연결됩니다.",
			},
		},
		{
			slug: "ebooks-courses", name: "전자책·강의", nameEN: "E-books & courses", hue: 330,
			adjectives: []string{"입문자를 위한", "실전", "한 권으로 끝내는", "30일 완성", "기초부터 배우는", "현업자의"},
			nouns:      []string{"파이썬 강의", "홈카페 레시피 전자책", "사진 보정 강의", "가계부 템플릿", "영어 회화 강의", "드로잉 클래스", "재테크 전자책", "엑셀 강의"},
			suffixes:   []string{"", "(PDF)", "(평생 소장)", "(영상 12강)"},
			minPrice:   9900, maxPrice: 89000,
			typ: catalog.Digital,
			features: []string{
				"예제 파일을 함께 드려 바로 따라 해 볼 수 있습니다.",
				"현업에서 10년 넘게 일한 저자가 직접 정리했습니다.",
				"휴대폰, 태블릿, 노트북 어디서나 볼 수 있습니다.",
				"질문 게시판에서 저자가 직접 답해 드립니다.",
			},
		},
	}},
}

// Sentences shared by every category.
var (
	openers = []string{
		"%[1]s 찾는 분께 자신 있게 권하는 상품입니다.", // %[1]s: noun + 을/를
		"말랑이 직접 골라 소개하는 %[2]s입니다.",     // %[2]s: noun
		"%[3]s 꾸준히 사랑받는 스테디셀러입니다.",     // %[3]s: name + 은/는
		"오래 고민해 고른 %[2]s, %[4]s입니다.",   // %[4]s: name
	}
	closersPhysical = []string{
		"오후 2시 전에 주문하시면 당일 발송합니다.",
		"받아 보시고 마음에 들지 않으면 7일 안에 교환하거나 반품할 수 있습니다.",
		"선물 포장을 원하시면 주문 메모에 남겨 주세요.",
	}
	closersDigital      = []string{"결제하시면 바로 내려받거나 수강할 수 있습니다.", "구매 후 평생 다시 내려받을 수 있습니다."}
	closersSubscription = []string{"고른 주기마다 자동으로 보내 드리며, 언제든 해지할 수 있습니다.", "정기배송 회원은 배송비가 무료입니다."}
)
