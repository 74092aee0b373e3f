package seed

import "github.com/mallang/mallang/internal/catalog"

// optionKind says which options a product of a kind may have.
type optionKind int

const (
	noOptions     optionKind = iota
	clothing                 // 사이즈 S/M/L/XL × 색상
	shoes                    // 사이즈 230–280
	colours                  // 색상 only
	deliveryCycle            // 배송 주기, for subscriptions
)

// top is a top-level category of the demo tree.
type top struct {
	slug, name, nameEN string
	leaves             []leaf
}

// leaf is a second-level category and the kinds of product it sells.
type leaf struct {
	slug, name, nameEN string
	hue                float64 // of the backgrounds of the generated pictures, 0–360
	kinds              []kind
	optionShare        int // percent of products of kinds with options that have them
	typ                catalog.ProductType
	subscriptionShare  int      // percent of products sold as subscriptions
	features           []string // sentences that fit every kind of the leaf
	taxFree            bool     // VAT-exempt goods (unprocessed farm produce)
}

// word is a Korean word or phrase and its English.
type word struct{ ko, en string }

// pack is a size or count a kind is sold in ("500g", "12구") and its
// price over the kind's base price.
type pack struct {
	ko, en string
	factor float64
}

// kind is one kind of product ("원두", "반팔 티셔츠"): what its products are
// called, sold in and priced at, and how its picture is drawn. A name is
// "adjective noun pack", in Korean and in English.
type kind struct {
	word
	shape      shape
	adjectives []word
	// packs are the sizes or counts the kind is sold in; the first has
	// factor 1. With packAxis set, some products offer them as options of
	// that name (중량, 용량, 구성) at their own prices; the others, and
	// every product without packAxis, carry one in the name.
	packs    []pack
	packAxis string
	min, max int64      // base price, won
	options  optionKind // options other than packs
	colours  []string   // values of 색상; nil means colourNames
	paint    []uint32   // colours of the product in pictures, 0xRRGGBB
	features []string   // sentences about this kind
}

var (
	sizesClothing = []string{"S", "M", "L", "XL"}
	sizesShoes    = []string{"230", "240", "250", "260", "270", "280"}
	colourNames   = []string{"블랙", "화이트", "네이비", "베이지", "차콜"}
	deliveryEvery = []string{"2주마다", "4주마다"}
)

// Colours of pictures.
var (
	paintClothes = []uint32{0x26282c, 0xf1efe9, 0x283a5e, 0xd8c7a6, 0x4a4d52, 0x8a9a6b, 0xa34a3c}
	paintDenim   = []uint32{0x5d7fa8, 0x3c5a82, 0x2a3550}
	paintLeather = []uint32{0x5a3a24, 0x2b2220, 0x8a5a35, 0xb89a78}
	paintBags    = []uint32{0x2b2b2b, 0x8a5a35, 0xd8c7a6, 0x3f5668, 0x7d2f2f}
	paintCanvas  = []uint32{0xe8dfc8, 0xd9d2bf, 0x3f4a3c}
	paintMetal   = []uint32{0xb8bcc2, 0x9aa0a8, 0x3b3d40}
	paintCeramic = []uint32{0xf4f1ea, 0xd9e4e8, 0xe8d6c8, 0x6f8a7a, 0x2f3a48}
	paintWood    = []uint32{0xc49a6c, 0xa87b4f, 0xd9b98c}
	paintBath    = []uint32{0xf4f4f0, 0xcfe3e8, 0xe9dccb, 0xb7c9b0, 0xd9c8e0}
	paintPaper   = []uint32{0x2f4858, 0x8a5a35, 0xc94f4f, 0x3e6b48, 0xe3c565, 0x6d5a8a}
	paintGadget  = []uint32{0x222326, 0xf2f2f0, 0x5b6b7d, 0xc9b8a3}
	paintCover   = []uint32{0x2f4858, 0xf2a541, 0x3e6b48, 0xc94f4f, 0x6d5a8a, 0x1f7a8c}
	paintCoffee  = []uint32{0x2f2a26, 0xb7472a, 0x1f5d50, 0xe0d3bd}
	paintTea     = []uint32{0x3e6b48, 0xc94f4f, 0xe3c565, 0x6d5a8a, 0x1f7a8c}
	paintChoco   = []uint32{0x8a1c2b, 0x1f3b5a, 0xd4a640, 0x2f5d3a}
	paintPastel  = []uint32{0xf4b6c2, 0xb8e0d2, 0xf7e1a0, 0xcdb4db, 0xa8d0e6, 0xffc8a2}
)

// Sizes and counts used by several kinds.
var (
	teaBags   = []pack{{"티백 20개입", "20 tea bags", 1}, {"티백 50개입", "50 tea bags", 2.2}}
	bottleMl  = []pack{{"500ml", "500 ml", 1}, {"1L", "1 L", 1.7}, {"리필 500ml", "refill, 500 ml", 0.8}}
	plainPack = []pack{{"", "", 1}}
)

// tree is the demo catalog: 4 top-level categories, 10 leaves.
var tree = []top{
	{"food", "식품", "Food", []leaf{
		{
			slug: "chocolate-dessert", name: "초콜릿·디저트", nameEN: "Chocolate & desserts", hue: 22, optionShare: 40,
			kinds: []kind{
				{word: word{"다크초콜릿", "Dark Chocolate"}, shape: chocolateBar, paint: paintChoco,
					adjectives: []word{{"벨기에", "Belgian"}, {"카카오 70%", "70% Cacao"}, {"싱글 오리진", "Single-Origin"}, {"유기농", "Organic"}},
					packs:      []pack{{"100g", "100 g", 1}, {"100g 3개입", "3 × 100 g", 2.7}}, packAxis: "구성", min: 4500, max: 9900,
					features: []string{"카카오 함량이 높아 쌉싸름하고 여운이 깁니다.", "설탕을 줄여 카카오 본연의 맛이 살아 있습니다."}},
				{word: word{"밀크초콜릿", "Milk Chocolate"}, shape: chocolateBar, paint: paintChoco,
					adjectives: []word{{"스위스", "Swiss"}, {"헤이즐넛", "Hazelnut"}, {"클래식", "Classic"}},
					packs:      []pack{{"100g", "100 g", 1}, {"100g 3개입", "3 × 100 g", 2.7}}, packAxis: "구성", min: 3900, max: 8900,
					features: []string{"우유의 고소함과 카카오의 단맛이 부드럽게 어우러집니다."}},
				{word: word{"마카롱", "Macarons"}, shape: macaronBox, paint: paintPastel,
					adjectives: []word{{"프랑스 정통", "French"}, {"수제", "Handmade"}, {"뚱", "Filled"}},
					packs:      []pack{{"6구", "6 pcs", 1}, {"12구", "12 pcs", 1.9}}, packAxis: "구성", min: 12000, max: 18900,
					features: []string{"아몬드 가루로 구운 꼬끄가 쫀득합니다.", "냉동 상태로 보내 드리니 30분 두었다 드세요."}},
				{word: word{"생초콜릿", "Nama Chocolate"}, shape: namaBox, paint: paintChoco,
					adjectives: []word{{"수제", "Handmade"}, {"말차", "Matcha"}, {"샴페인", "Champagne"}},
					packs:      []pack{{"16구", "16 pcs", 1}, {"25구", "25 pcs", 1.5}}, min: 14900, max: 26900,
					features: []string{"생크림을 듬뿍 넣어 입에 넣자마자 녹습니다.", "냉장 보관하시고 받으신 뒤 닷새 안에 드세요."}},
				{word: word{"브라우니", "Brownies"}, shape: brownies, paint: []uint32{0x4a2c1c},
					adjectives: []word{{"꾸덕한", "Fudgy"}, {"호두", "Walnut"}, {"저당", "Low-Sugar"}},
					packs:      []pack{{"4개입", "4 pcs", 1}, {"8개입", "8 pcs", 1.85}}, packAxis: "구성", min: 9900, max: 15900,
					features: []string{"겉은 바삭하고 속은 꾸덕하게 구웠습니다."}},
				{word: word{"초코칩 쿠키", "Chocolate Chip Cookies"}, shape: cookies, paint: []uint32{0xc8955a},
					adjectives: []word{{"버터", "Butter"}, {"르뱅", "Levain"}, {"수제", "Handmade"}},
					packs:      []pack{{"6개입", "6 pcs", 1}, {"12개입", "12 pcs", 1.9}}, min: 7900, max: 14900,
					features: []string{"버터 향이 진하고 초코칩이 큼직합니다."}},
				{word: word{"치즈케이크", "Cheesecake"}, shape: cake, paint: []uint32{0xf3dfa8, 0xf6e7c8},
					adjectives: []word{{"뉴욕", "New York"}, {"바스크", "Basque"}, {"레몬", "Lemon"}},
					packs:      []pack{{"1호 (15cm)", "size 1 (15 cm)", 1}, {"2호 (18cm)", "size 2 (18 cm)", 1.3}}, packAxis: "사이즈", min: 24000, max: 36000,
					features: []string{"크림치즈를 아낌없이 넣어 진하고 촉촉합니다.", "냉동으로 보내 드리며 냉장고에서 3시간 해동하면 좋습니다."}},
			},
			features: []string{
				"매일 아침 소량씩 만들어 신선함을 지켰습니다.",
				"고급스러운 상자에 담겨 선물하기 좋습니다.",
				"커피나 홍차와 특히 잘 어울립니다.",
			},
		},
		{
			slug: "coffee-tea", name: "커피·차", nameEN: "Coffee & tea", hue: 35, optionShare: 50, subscriptionShare: 15,
			kinds: []kind{
				{word: word{"원두", "Whole Bean Coffee"}, shape: coffeeBag, paint: paintCoffee,
					adjectives: []word{{"에티오피아 예가체프", "Ethiopia Yirgacheffe"}, {"콜롬비아 수프리모", "Colombia Supremo"}, {"과테말라 안티구아", "Guatemala Antigua"}, {"케냐 AA", "Kenya AA"}, {"하우스 블렌드", "House Blend"}, {"디카페인", "Decaf"}},
					packs:      []pack{{"200g", "200 g", 1}, {"500g", "500 g", 2.2}, {"1kg", "1 kg", 4}}, packAxis: "중량", min: 8900, max: 15900,
					features: []string{"주문을 받은 뒤 볶아 향이 살아 있습니다.", "산뜻한 산미와 고소한 끝맛이 균형을 이룹니다."}},
				{word: word{"드립백 커피", "Drip Bag Coffee"}, shape: teaBox, paint: paintCoffee,
					adjectives: []word{{"스페셜티", "Specialty"}, {"하우스 블렌드", "House Blend"}, {"디카페인", "Decaf"}},
					packs:      []pack{{"10개입", "10 bags", 1}, {"30개입", "30 bags", 2.7}}, packAxis: "구성", min: 7900, max: 12900,
					features: []string{"컵에 걸고 물만 부으면 핸드드립 커피가 됩니다.", "개별 포장이라 사무실이나 여행지에서도 간편합니다."}},
				{word: word{"녹차", "Green Tea"}, shape: teaBox, paint: []uint32{0x3e6b48, 0x6d8f3a},
					adjectives: []word{{"보성", "Boseong"}, {"하동 야생", "Hadong Wild"}, {"유기농 제주", "Organic Jeju"}},
					packs:      teaBags, min: 5900, max: 12900,
					features: []string{"첫물 찻잎만 골라 맑고 부드럽습니다.", "뜨거운 물에 2분이면 깊은 맛이 우러납니다."}},
				{word: word{"홍차", "Black Tea"}, shape: teaBox, paint: paintTea,
					adjectives: []word{{"다즐링", "Darjeeling"}, {"얼그레이", "Earl Grey"}, {"아삼", "Assam"}},
					packs:      teaBags, min: 6900, max: 14900,
					features: []string{"우유를 넣어 밀크티로 즐겨도 좋습니다."}},
				{word: word{"캐모마일 티", "Chamomile Tea"}, shape: teaBox, paint: []uint32{0xe3c565, 0xf0e2b6},
					adjectives: []word{{"유기농", "Organic"}, {"이집트산", "Egyptian"}},
					packs:      teaBags, min: 5900, max: 11900,
					features: []string{"카페인이 없어 잠들기 전에 마시기 좋습니다."}},
				{word: word{"콜드브루 원액", "Cold Brew Concentrate"}, shape: drinkBottle, paint: []uint32{0x3a2418},
					adjectives: []word{{"콜롬비아", "Colombian"}, {"디카페인", "Decaf"}, {"바닐라", "Vanilla"}},
					packs:      []pack{{"500ml", "500 ml", 1}, {"1L", "1 L", 1.8}}, packAxis: "용량", min: 11900, max: 17900,
					features: []string{"물이나 우유에 1:4로 타면 바로 아이스커피가 됩니다.", "아이스로 즐겨도 맛이 흐려지지 않습니다."}},
				{word: word{"말차 파우더", "Matcha Powder"}, shape: coffeeBag, paint: []uint32{0x6d8f3a, 0x3e6b48},
					adjectives: []word{{"제주", "Jeju"}, {"세레모니얼 등급", "Ceremonial-Grade"}},
					packs:      []pack{{"50g", "50 g", 1}, {"100g", "100 g", 1.8}}, packAxis: "중량", min: 9900, max: 17900,
					features: []string{"곱게 갈아 물에 잘 풀리고 쓴맛이 적습니다."}},
			},
			features: []string{"밀봉 포장으로 향을 지켰습니다."},
		},
		{
			slug: "fruit-vegetables", name: "과일·채소", nameEN: "Fruit & vegetables", hue: 95, optionShare: 50, taxFree: true,
			kinds: []kind{
				{word: word{"사과", "Apples"}, shape: apples, paint: []uint32{0xc0392b, 0xb83227},
					adjectives: []word{{"청송", "Cheongsong"}, {"충주", "Chungju"}, {"고당도", "Extra-Sweet"}, {"산지직송", "Farm-Direct"}},
					packs:      []pack{{"3kg", "3 kg", 1}, {"5kg", "5 kg", 1.55}}, packAxis: "중량", min: 19900, max: 32000,
					features: []string{"아삭하고 과즙이 풍부합니다.", "당도 선별기를 거친 것만 담았습니다."}},
				{word: word{"감귤", "Tangerines"}, shape: tangerines, paint: []uint32{0xf08a1c, 0xf39c12},
					adjectives: []word{{"제주", "Jeju"}, {"무농약", "Pesticide-Free"}, {"노지", "Open-Field"}},
					packs:      []pack{{"2kg", "2 kg", 1}, {"5kg", "5 kg", 2.2}}, packAxis: "중량", min: 11900, max: 18900,
					features: []string{"껍질이 얇고 새콤달콤합니다."}},
				{word: word{"한라봉", "Hallabong"}, shape: hallabong, paint: []uint32{0xf08a1c},
					adjectives: []word{{"제주", "Jeju"}, {"고당도", "Extra-Sweet"}},
					packs:      []pack{{"3kg", "3 kg", 1}, {"5kg", "5 kg", 1.6}}, packAxis: "중량", min: 29000, max: 42000,
					features: []string{"꼭지가 볼록한 제주 만감류로 향이 진합니다."}},
				{word: word{"배", "Pears"}, shape: pears, paint: []uint32{0xc9a24a, 0xd4ad5a},
					adjectives: []word{{"나주", "Naju"}, {"신고", "Singo"}},
					packs:      []pack{{"5kg", "5 kg", 1}, {"7.5kg", "7.5 kg", 1.4}}, packAxis: "중량", min: 34900, max: 49000,
					features: []string{"과육이 단단하고 시원한 단맛이 납니다."}},
				{word: word{"참외", "Korean Melons"}, shape: melons, paint: []uint32{0xf2c12e},
					adjectives: []word{{"성주", "Seongju"}, {"꿀", "Honey"}},
					packs:      []pack{{"2kg", "2 kg", 1}, {"5kg", "5 kg", 2.3}}, packAxis: "중량", min: 14900, max: 24900,
					features: []string{"껍질째 먹어도 될 만큼 얇고 달콤합니다."}},
				{word: word{"샤인머스캣", "Shine Muscat Grapes"}, shape: grapes, paint: []uint32{0x9cc95a},
					adjectives: []word{{"김천", "Gimcheon"}, {"상주", "Sangju"}},
					packs:      []pack{{"1kg", "1 kg", 1}, {"2kg", "2 kg", 1.9}}, packAxis: "중량", min: 19900, max: 29900,
					features: []string{"씨가 없고 껍질째 먹을 수 있습니다."}},
				{word: word{"블루베리", "Blueberries"}, shape: berries, paint: []uint32{0x3b4f8c},
					adjectives: []word{{"국산", "Korean"}, {"무농약", "Pesticide-Free"}},
					packs:      []pack{{"500g", "500 g", 1}, {"1kg", "1 kg", 1.9}}, packAxis: "중량", min: 14900, max: 24900,
					features: []string{"요거트나 샐러드에 곁들이기 좋습니다."}},
				{word: word{"방울토마토", "Cherry Tomatoes"}, shape: tomatoes, paint: []uint32{0xd8322a},
					adjectives: []word{{"무농약", "Pesticide-Free"}, {"대저", "Daejeo"}, {"스테비아", "Stevia"}},
					packs:      []pack{{"2kg", "2 kg", 1}, {"3kg", "3 kg", 1.4}}, packAxis: "중량", min: 13900, max: 21900,
					features: []string{"아이 간식이나 샐러드 재료로 넉넉합니다."}},
				{word: word{"고구마", "Sweet Potatoes"}, shape: sweetPotatoes, paint: []uint32{0x8e3b5a},
					adjectives: []word{{"해남", "Haenam"}, {"여주", "Yeoju"}, {"꿀", "Honey"}},
					packs:      []pack{{"3kg", "3 kg", 1}, {"5kg", "5 kg", 1.6}}, packAxis: "중량", min: 14900, max: 23900,
					features: []string{"쪄도 구워도 달고 촉촉합니다."}},
			},
			features: []string{
				"수확한 다음 날 산지에서 바로 보내 드립니다.",
				"크기는 조금씩 달라도 맛은 한결같습니다.",
			},
		},
	}},
	{"fashion", "패션", "Fashion", []leaf{
		{
			slug: "clothing", name: "의류", nameEN: "Clothing", hue: 215, optionShare: 100,
			kinds: []kind{
				{word: word{"반팔 티셔츠", "Short-Sleeve T-Shirt"}, shape: tshirt, paint: paintClothes, options: clothing,
					adjectives: []word{{"베이직", "Basic"}, {"오버핏", "Oversized"}, {"코튼", "Cotton"}, {"헤비 코튼", "Heavy Cotton"}},
					packs:      plainPack, min: 15900, max: 39000,
					features: []string{"여러 번 빨아도 목이 늘어나지 않도록 립을 한 번 더 박음질했습니다."}},
				{word: word{"맨투맨", "Sweatshirt"}, shape: sweatshirt, paint: paintClothes, options: clothing,
					adjectives: []word{{"기모", "Fleece-Lined"}, {"오버핏", "Oversized"}, {"데일리", "Everyday"}},
					packs:      plainPack, min: 29000, max: 69000,
					features: []string{"도톰한 쭈리 원단이라 봄가을에 한 장으로 입기 좋습니다."}},
				{word: word{"후드 집업", "Zip-Up Hoodie"}, shape: hoodie, paint: paintClothes, options: clothing,
					adjectives: []word{{"투웨이", "Two-Way"}, {"릴랙스드", "Relaxed"}, {"헤비 코튼", "Heavy Cotton"}},
					packs:      plainPack, min: 39000, max: 89000,
					features: []string{"위아래로 열리는 투웨이 지퍼를 달았습니다."}},
				{word: word{"셔츠", "Shirt"}, shape: shirt, paint: []uint32{0xf4f4f0, 0xb9cde0, 0xe9e0cf, 0x283a5e}, options: clothing,
					adjectives: []word{{"옥스퍼드", "Oxford"}, {"린넨", "Linen"}, {"스트라이프", "Striped"}},
					packs:      plainPack, min: 29000, max: 79000,
					colours:  []string{"화이트", "스카이블루", "베이지", "네이비"},
					features: []string{"다림질 없이 입어도 구김이 덜한 원단입니다."}},
				{word: word{"니트 가디건", "Knit Cardigan"}, shape: cardigan, paint: paintClothes, options: clothing,
					adjectives: []word{{"울 블렌드", "Wool-Blend"}, {"캐시미어 터치", "Cashmere-Touch"}, {"크롭", "Cropped"}},
					packs:      plainPack, min: 39000, max: 99000,
					features: []string{"보풀이 잘 일지 않는 원사를 썼습니다."}},
				{word: word{"슬랙스", "Slacks"}, shape: pants, paint: paintClothes, options: clothing,
					adjectives: []word{{"세미 와이드", "Semi-Wide"}, {"밴딩", "Elastic-Waist"}, {"핀턱", "Pintuck"}},
					packs:      plainPack, min: 35000, max: 79000,
					features: []string{"허리 뒤쪽에 밴딩을 넣어 앉아 있어도 편합니다."}},
				{word: word{"데님 팬츠", "Jeans"}, shape: jeans, paint: paintDenim, options: clothing,
					adjectives: []word{{"스트레이트", "Straight"}, {"와이드", "Wide"}, {"워싱", "Washed"}},
					packs:      plainPack, min: 39000, max: 99000,
					colours:  []string{"연청", "중청", "흑청"},
					features: []string{"신축성이 있는 데님이라 움직이기 편합니다."}},
				{word: word{"원피스", "Dress"}, shape: dress, paint: []uint32{0x283a5e, 0xd8c7a6, 0x7d2f2f, 0x26282c, 0x8a9a6b}, options: clothing,
					adjectives: []word{{"플리츠", "Pleated"}, {"린넨", "Linen"}, {"롱", "Long"}},
					packs:      plainPack, min: 49000, max: 129000,
					features: []string{"허리 라인을 잡아 주어 날씬해 보입니다."}},
				{word: word{"트렌치코트", "Trench Coat"}, shape: coat, paint: []uint32{0xc8ab7e, 0x26282c, 0x6b6350}, options: clothing,
					adjectives: []word{{"클래식", "Classic"}, {"더블", "Double-Breasted"}, {"오버사이즈", "Oversized"}},
					packs:      plainPack, min: 129000, max: 259000,
					colours:  []string{"베이지", "블랙", "카키"},
					features: []string{"발수 가공한 면 개버딘으로 가랑비 정도는 막아 줍니다."}},
			},
			features: []string{
				"피부에 닿는 촉감이 부드러워 오래 입어도 편안합니다.",
				"모델은 키 178cm에 L 사이즈를 입었습니다.",
			},
		},
		{
			slug: "shoes-bags", name: "신발·가방", nameEN: "Shoes & bags", hue: 265, optionShare: 100,
			kinds: []kind{
				{word: word{"스니커즈", "Sneakers"}, shape: sneaker, paint: []uint32{0xf4f4f0, 0x26282c, 0x283a5e, 0xb0b6bd}, options: shoes,
					adjectives: []word{{"캔버스", "Canvas"}, {"가죽", "Leather"}, {"경량", "Lightweight"}},
					packs:      plainPack, min: 59000, max: 139000,
					features: []string{"하루 종일 걸어도 발이 편하도록 쿠션을 넣었습니다."}},
				{word: word{"로퍼", "Loafers"}, shape: loafer, paint: paintLeather, options: shoes,
					adjectives: []word{{"페니", "Penny"}, {"소가죽", "Cowhide"}, {"클래식", "Classic"}},
					packs:      plainPack, min: 79000, max: 169000,
					features: []string{"부드러운 소가죽이라 길들이지 않아도 편합니다."}},
				{word: word{"첼시 부츠", "Chelsea Boots"}, shape: boot, paint: paintLeather, options: shoes,
					adjectives: []word{{"스웨이드", "Suede"}, {"소가죽", "Cowhide"}, {"방수", "Waterproof"}},
					packs:      plainPack, min: 99000, max: 219000,
					features: []string{"양옆 밴드 덕분에 신고 벗기 쉽습니다."}},
				{word: word{"토트백", "Tote Bag"}, shape: tote, paint: paintBags, options: colours,
					adjectives: []word{{"가죽", "Leather"}, {"비건 레더", "Vegan Leather"}, {"미니멀", "Minimal"}},
					packs:      plainPack, min: 49000, max: 189000,
					features: []string{"노트북과 텀블러가 함께 들어가는 넉넉한 수납공간입니다."}},
				{word: word{"에코백", "Eco Bag"}, shape: tote, paint: paintCanvas, options: colours,
					adjectives: []word{{"캔버스", "Canvas"}, {"데일리", "Everyday"}},
					colours:    []string{"아이보리", "베이지", "카키"},
					packs:      plainPack, min: 15900, max: 35000,
					features: []string{"가벼워서 장보기나 여행에 챙기기 좋습니다."}},
				{word: word{"백팩", "Backpack"}, shape: backpack, paint: paintBags, options: colours,
					adjectives: []word{{"방수", "Water-Resistant"}, {"경량", "Lightweight"}, {"데일리", "Everyday"}},
					packs:      plainPack, min: 45000, max: 149000,
					features: []string{"15인치 노트북 칸이 따로 있습니다.", "비 오는 날에도 걱정 없는 발수 소재입니다."}},
				{word: word{"크로스백", "Crossbody Bag"}, shape: crossbody, paint: paintBags, options: colours,
					adjectives: []word{{"미니", "Mini"}, {"가죽", "Leather"}, {"나일론", "Nylon"}},
					packs:      plainPack, min: 39000, max: 129000,
					features: []string{"어깨끈 길이를 조절할 수 있습니다."}},
			},
			features: []string{"어떤 옷차림에도 잘 어울리는 단정한 디자인입니다."},
		},
	}},
	{"living", "생활", "Living", []leaf{
		{
			slug: "kitchen", name: "주방", nameEN: "Kitchen", hue: 175, optionShare: 40,
			kinds: []kind{
				{word: word{"프라이팬", "Frying Pan"}, shape: pan, paint: []uint32{0x2b2b2d, 0x3c3f44, 0x8a8f96},
					adjectives: []word{{"스테인리스", "Stainless"}, {"무쇠", "Cast-Iron"}, {"논스틱", "Nonstick"}},
					packs:      []pack{{"24cm", "24 cm", 1}, {"28cm", "28 cm", 1.15}}, packAxis: "사이즈", min: 19900, max: 69000,
					features: []string{"인덕션과 가스레인지 모두에서 쓸 수 있습니다."}},
				{word: word{"냄비", "Pot"}, shape: pot, paint: []uint32{0xb8bcc2, 0xc0392b, 0x2f4858, 0xe8dcc8},
					adjectives: []word{{"스테인리스", "Stainless"}, {"무쇠 법랑", "Enamelled Cast-Iron"}, {"편수", "Single-Handle"}},
					packs:      []pack{{"18cm", "18 cm", 1}, {"20cm", "20 cm", 1.12}}, packAxis: "사이즈", min: 29000, max: 99000,
					features: []string{"바닥이 두꺼워 열이 고르게 퍼집니다."}},
				{word: word{"머그컵", "Mug"}, shape: mug, paint: paintCeramic, options: colours,
					adjectives: []word{{"도자기", "Ceramic"}, {"북유럽풍", "Nordic"}, {"유약", "Glazed"}},
					packs:      []pack{{"350ml", "350 ml", 1}, {"350ml 2개 세트", "set of 2, 350 ml", 1.8}}, min: 8900, max: 18900,
					colours:  []string{"화이트", "민트", "베이지", "그린"},
					features: []string{"식기세척기와 전자레인지에 넣어도 괜찮습니다."}},
				{word: word{"접시", "Plate"}, shape: plate, paint: paintCeramic,
					adjectives: []word{{"도자기", "Porcelain"}, {"스톤웨어", "Stoneware"}, {"림", "Rimmed"}},
					packs:      []pack{{"21cm", "21 cm", 1}, {"26cm", "26 cm", 1.3}}, packAxis: "사이즈", min: 7900, max: 18900,
					features: []string{"쌓아서 보관할 수 있어 찬장이 깔끔해집니다."}},
				{word: word{"도마", "Cutting Board"}, shape: board, paint: paintWood,
					adjectives: []word{{"원목", "Wooden"}, {"편백나무", "Hinoki"}, {"항균", "Antibacterial"}},
					packs:      []pack{{"중", "medium", 1}, {"대", "large", 1.3}}, packAxis: "사이즈", min: 15900, max: 45000,
					features: []string{"칼자국이 잘 남지 않는 단단한 나무입니다."}},
				{word: word{"밀폐용기", "Food Storage Containers"}, shape: container, paint: []uint32{0x3f8f8a, 0x2f4858, 0xc94f4f},
					adjectives: []word{{"내열유리", "Heat-Resistant Glass"}, {"스테인리스", "Stainless"}},
					packs:      []pack{{"4종 세트", "set of 4", 1}, {"8종 세트", "set of 8", 1.8}}, packAxis: "구성", min: 15900, max: 39000,
					features: []string{"환경호르몬 걱정 없는 소재만 썼습니다."}},
				{word: word{"주전자", "Kettle"}, shape: kettle, paint: []uint32{0xb8bcc2, 0xe8dcc8, 0x2f4858},
					adjectives: []word{{"스테인리스", "Stainless"}, {"법랑", "Enamel"}, {"휘슬", "Whistling"}},
					packs:      []pack{{"1.5L", "1.5 L", 1}, {"2.5L", "2.5 L", 1.25}}, min: 25000, max: 79000,
					features: []string{"물이 끓으면 휘파람 소리로 알려 줍니다."}},
			},
			features: []string{"손에 쥐었을 때 무게감이 알맞습니다."},
		},
		{
			slug: "bathroom", name: "욕실", nameEN: "Bathroom", hue: 195, optionShare: 40,
			kinds: []kind{
				{word: word{"수건", "Towels"}, shape: towels, paint: paintBath, options: colours,
					adjectives: []word{{"호텔식", "Hotel"}, {"순면 40수", "40s Cotton"}, {"뱀부", "Bamboo"}},
					packs:      []pack{{"5장", "5 pcs", 1}, {"10장", "10 pcs", 1.9}}, min: 19900, max: 29000,
					colours:  []string{"화이트", "그레이", "베이지"},
					features: []string{"물기를 빠르게 흡수하고 금방 마릅니다."}},
				{word: word{"발매트", "Bath Mat"}, shape: bathMat, paint: paintBath,
					adjectives: []word{{"규조토", "Diatomite"}, {"극세사", "Microfibre"}, {"미끄럼 방지", "Non-Slip"}},
					packs:      []pack{{"40×60cm", "40 × 60 cm", 1}, {"50×80cm", "50 × 80 cm", 1.4}}, packAxis: "사이즈", min: 11900, max: 29000,
					features: []string{"밟는 순간 물기가 사라집니다."}},
				{word: word{"샴푸", "Shampoo"}, shape: pumpBottle, paint: paintBath,
					adjectives: []word{{"약산성", "pH-Balanced"}, {"저자극", "Gentle"}, {"라벤더", "Lavender"}, {"무향", "Unscented"}},
					packs:      bottleMl, packAxis: "용량", min: 9900, max: 23900,
					features: []string{"민감한 두피도 안심하고 쓸 수 있도록 자극 테스트를 마쳤습니다."}},
				{word: word{"바디워시", "Body Wash"}, shape: pumpBottle, paint: paintBath,
					adjectives: []word{{"약산성", "pH-Balanced"}, {"시트러스", "Citrus"}, {"무향", "Unscented"}},
					packs:      bottleMl, packAxis: "용량", min: 8900, max: 19900,
					features: []string{"거품이 부드럽고 씻은 뒤에도 당기지 않습니다."}},
				{word: word{"핸드워시", "Hand Wash"}, shape: pumpBottle, paint: paintBath,
					adjectives: []word{{"거품형", "Foaming"}, {"라벤더", "Lavender"}, {"무향", "Unscented"}},
					packs:      []pack{{"250ml", "250 ml", 1}, {"리필 500ml", "refill, 500 ml", 1.3}}, packAxis: "용량", min: 4900, max: 11900,
					features: []string{"은은한 향이 욕실에 오래 남습니다."}},
				{word: word{"비누", "Soap"}, shape: soap, paint: paintBath,
					adjectives: []word{{"천연", "Natural"}, {"올리브", "Olive"}, {"무향", "Unscented"}},
					packs:      []pack{{"100g 3개입", "3 × 100 g", 1}, {"100g 6개입", "6 × 100 g", 1.9}}, packAxis: "구성", min: 7900, max: 15900,
					features: []string{"저온에서 오래 숙성해 보습 성분이 살아 있습니다."}},
				{word: word{"칫솔", "Toothbrushes"}, shape: toothbrushes, paint: []uint32{0xc49a6c, 0x5b8fb9, 0x8fc1a9},
					adjectives: []word{{"대나무", "Bamboo"}, {"미세모", "Extra-Soft"}, {"어린이", "Kids'"}},
					packs:      []pack{{"4개입", "4 pcs", 1}, {"8개입", "8 pcs", 1.8}}, min: 4900, max: 9900,
					features: []string{"솔이 가늘어 잇몸에 자극이 적습니다."}},
			},
			features: []string{"플라스틱을 덜 쓰도록 포장을 줄였습니다."},
		},
		{
			slug: "stationery", name: "문구", nameEN: "Stationery", hue: 48, optionShare: 40,
			kinds: []kind{
				{word: word{"노트", "Notebook"}, shape: notebook, paint: paintPaper,
					adjectives: []word{{"무지", "Plain"}, {"도트", "Dot-Grid"}, {"크라프트", "Kraft"}, {"모눈", "Squared"}},
					packs:      []pack{{"A5", "A5", 1}, {"B6", "B6", 0.9}, {"A5 3권", "A5, 3 pcs", 2.6}}, min: 3900, max: 11900,
					features: []string{"만년필로 써도 번지지 않는 두꺼운 종이입니다.", "펼쳤을 때 평평하게 눕는 실 제본입니다."}},
				{word: word{"다이어리", "Planner"}, shape: planner, paint: paintPaper,
					adjectives: []word{{"2026", "2026"}, {"만년", "Undated"}, {"하드커버", "Hardcover"}},
					packs:      []pack{{"A5", "A5", 1}, {"B6", "B6", 0.9}}, min: 12900, max: 28900,
					features: []string{"월간, 주간, 메모 속지가 함께 들어 있습니다."}},
				{word: word{"만년필", "Fountain Pen"}, shape: fountainPen, paint: []uint32{0x1f2a44, 0x7d2f2f, 0x26282c, 0x2f5d3a}, options: colours,
					adjectives: []word{{"클래식", "Classic"}, {"레트로", "Retro"}, {"입문용", "Starter"}},
					packs:      []pack{{"EF촉", "EF nib", 1}, {"F촉", "F nib", 1}}, min: 25000, max: 89000,
					features: []string{"카트리지와 컨버터를 모두 쓸 수 있습니다."}},
				{word: word{"젤펜", "Gel Pens"}, shape: pens, paint: []uint32{0x26282c},
					adjectives: []word{{"0.38mm", "0.38 mm"}, {"0.5mm", "0.5 mm"}, {"파스텔", "Pastel"}},
					packs:      []pack{{"5색", "5 colours", 1}, {"10색", "10 colours", 1.8}}, packAxis: "구성", min: 4500, max: 9900,
					features: []string{"잉크가 빨리 말라 손에 묻지 않습니다."}},
				{word: word{"연필", "Pencils"}, shape: pencils, paint: []uint32{0x2f5d3a, 0xe3c565, 0x1f2a44},
					adjectives: []word{{"HB", "HB"}, {"4B", "4B"}, {"원목", "Cedar"}},
					packs:      []pack{{"12자루", "12 pcs", 1}, {"24자루", "24 pcs", 1.9}}, min: 4900, max: 11900,
					features: []string{"심이 잘 부러지지 않고 사각사각 부드럽게 써집니다."}},
				{word: word{"마스킹테이프", "Washi Tape"}, shape: tapes, paint: paintPastel,
					adjectives: []word{{"빈티지", "Vintage"}, {"플라워", "Floral"}, {"단색", "Solid-Colour"}},
					packs:      []pack{{"3개 세트", "set of 3", 1}, {"5개 세트", "set of 5", 1.6}}, packAxis: "구성", min: 3900, max: 8900,
					features: []string{"손으로 쉽게 찢어지고 깔끔하게 떨어집니다."}},
				{word: word{"엽서 세트", "Postcard Set"}, shape: postcards, paint: paintPastel,
					adjectives: []word{{"일러스트", "Illustrated"}, {"사계절", "Four Seasons"}, {"서울 풍경", "Seoul Scenes"}},
					packs:      []pack{{"10장", "10 pcs", 1}, {"20장", "20 pcs", 1.8}}, min: 4900, max: 11900,
					features: []string{"두꺼운 종이에 인쇄해 액자에 넣어도 좋습니다."}},
			},
			features: []string{"선물하기 좋은 종이 상자에 담아 보내 드립니다."},
		},
	}},
	{"digital", "디지털", "Digital", []leaf{
		{
			slug: "audio", name: "음향기기", nameEN: "Audio", hue: 285, optionShare: 50,
			kinds: []kind{
				{word: word{"무선 이어폰", "Wireless Earbuds"}, shape: earbuds, paint: paintGadget, options: colours,
					adjectives: []word{{"노이즈캔슬링", "Noise-Cancelling"}, {"오픈형", "Open-Fit"}, {"블루투스 5.3", "Bluetooth 5.3"}},
					packs:      plainPack, min: 39000, max: 299000,
					features: []string{"케이스까지 합쳐 30시간 동안 들을 수 있습니다.", "주변 소음을 줄여 음악에 집중하게 해 줍니다."}},
				{word: word{"헤드폰", "Headphones"}, shape: headphones, paint: paintGadget, options: colours,
					adjectives: []word{{"노이즈캔슬링", "Noise-Cancelling"}, {"스튜디오", "Studio"}, {"무선", "Wireless"}},
					packs:      plainPack, min: 69000, max: 459000,
					features: []string{"이어패드가 푹신해 오래 써도 귀가 아프지 않습니다."}},
				{word: word{"블루투스 스피커", "Bluetooth Speaker"}, shape: speaker, paint: paintGadget, options: colours,
					adjectives: []word{{"휴대용", "Portable"}, {"방수", "Waterproof"}, {"캠핑", "Camping"}},
					packs:      plainPack, min: 39000, max: 249000,
					features: []string{"한 번 충전으로 20시간 동안 재생합니다."}},
				{word: word{"사운드바", "Soundbar"}, shape: soundbar, paint: []uint32{0x222326, 0x3b3d40},
					adjectives: []word{{"돌비 애트모스", "Dolby Atmos"}, {"2.1채널", "2.1-Channel"}, {"슬림", "Slim"}},
					packs:      plainPack, min: 129000, max: 499000,
					features: []string{"TV와 HDMI 하나로 연결됩니다."}},
				{word: word{"턴테이블", "Turntable"}, shape: turntable, paint: []uint32{0xa87b4f, 0x26282c, 0xf2f2f0},
					adjectives: []word{{"블루투스", "Bluetooth"}, {"빈티지", "Vintage"}, {"포노앰프 내장", "Built-In Phono"}},
					packs:      plainPack, min: 149000, max: 459000,
					features: []string{"포노 앰프가 들어 있어 스피커에 바로 연결됩니다."}},
				{word: word{"마이크", "Microphone"}, shape: microphone, paint: []uint32{0x26282c, 0xb8bcc2},
					adjectives: []word{{"USB 콘덴서", "USB Condenser"}, {"다이내믹", "Dynamic"}, {"방송용", "Streaming"}},
					packs:      plainPack, min: 49000, max: 189000,
					features: []string{"USB로 꽂기만 하면 바로 녹음할 수 있습니다."}},
			},
			features: []string{"1년 무상 수리를 보장합니다.", "스마트폰과 노트북에 동시에 연결됩니다."},
		},
		{
			slug: "ebooks-courses", name: "전자책·강의", nameEN: "E-books & courses", hue: 330, typ: catalog.Digital,
			kinds: []kind{
				{word: word{"파이썬 강의", "Python Course"}, shape: course, paint: paintCover,
					adjectives: []word{{"입문자를 위한", "Beginner's"}, {"실전", "Hands-On"}, {"30일 완성", "30-Day"}},
					packs:      []pack{{"(영상 12강)", "(12 video lessons)", 1}, {"(평생 소장)", "(lifetime access)", 1.5}}, min: 39000, max: 99000,
					features: []string{"예제 파일을 함께 드려 바로 따라 해 볼 수 있습니다."}},
				{word: word{"엑셀 강의", "Excel Course"}, shape: course, paint: paintCover,
					adjectives: []word{{"실무", "Workplace"}, {"기초부터 배우는", "From-Scratch"}, {"한 번에 끝내는", "All-in-One"}},
					packs:      []pack{{"(영상 12강)", "(12 video lessons)", 1}, {"(평생 소장)", "(lifetime access)", 1.5}}, min: 29000, max: 79000,
					features: []string{"회사에서 바로 쓰는 함수와 표만 골라 담았습니다."}},
				{word: word{"사진 보정 강의", "Photo Editing Course"}, shape: course, paint: paintCover,
					adjectives: []word{{"스마트폰", "Smartphone"}, {"라이트룸", "Lightroom"}, {"입문자를 위한", "Beginner's"}},
					packs:      []pack{{"(영상 12강)", "(12 video lessons)", 1}, {"", "", 1}}, min: 29000, max: 89000,
					features: []string{"보정 전후 사진으로 차이를 한눈에 보여 줍니다."}},
				{word: word{"영어 회화 강의", "English Conversation Course"}, shape: course, paint: paintCover,
					adjectives: []word{{"왕초보", "Absolute Beginner's"}, {"여행", "Travel"}, {"비즈니스", "Business"}},
					packs:      []pack{{"(영상 30강)", "(30 video lessons)", 1}, {"(평생 소장)", "(lifetime access)", 1.4}}, min: 39000, max: 129000,
					features: []string{"원어민 음성 파일을 함께 드립니다."}},
				{word: word{"홈카페 레시피 전자책", "Home Café Recipe E-book"}, shape: ebook, paint: paintCover,
					adjectives: []word{{"사계절", "Four-Season"}, {"초보도 따라 하는", "Easy"}},
					packs:      []pack{{"(PDF)", "(PDF)", 1}, {"", "", 1}}, min: 9900, max: 19900,
					features: []string{"집에 있는 도구만으로 만들 수 있는 음료 40가지를 담았습니다."}},
				{word: word{"재테크 전자책", "Personal Finance E-book"}, shape: ebook, paint: paintCover,
					adjectives: []word{{"사회초년생을 위한", "First-Job"}, {"월급 관리", "Paycheck"}},
					packs:      []pack{{"(PDF)", "(PDF)", 1}, {"", "", 1}}, min: 12900, max: 29000,
					features: []string{"현업에서 10년 넘게 일한 저자가 직접 정리했습니다."}},
				{word: word{"가계부 템플릿", "Household Budget Template"}, shape: ebook, paint: paintCover,
					adjectives: []word{{"구글 시트", "Google Sheets"}, {"엑셀", "Excel"}},
					packs:      plainPack, min: 5900, max: 12900,
					features: []string{"카드 내역을 붙여 넣으면 항목별로 자동 정리됩니다."}},
			},
			features: []string{
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
