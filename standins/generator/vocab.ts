/**
 * Word lists the generator draws from. Traditional characters throughout (the regions
 * store them that way); every character here must also exist in GBK, because HB's
 * exports are GBK files (a unit test checks it).
 */

export interface District {
  areaCode: string;   // GB/T 2260 county-level code: the first six digits of an identity number
  city: string;
  district: string;
  plateLetter: string; // issuing-authority letter of the city's plates
}

export interface RegionGeography {
  province: string;       // 江蘇省
  plateProvince: string;  // 蘇
  districts: readonly District[];
}

const d = (areaCode: string, city: string, district: string, plateLetter: string): District =>
  ({ areaCode, city, district, plateLetter });

export const GEOGRAPHY: Record<'JS' | 'GZ' | 'HB', RegionGeography> = {
  JS: {
    province: '江蘇省',
    plateProvince: '蘇',
    districts: [
      d('320102', '南京市', '玄武區', 'A'), d('320104', '南京市', '秦淮區', 'A'), d('320106', '南京市', '鼓樓區', 'A'),
      d('320115', '南京市', '江寧區', 'A'), d('320205', '無錫市', '錫山區', 'B'), d('320213', '無錫市', '梁溪區', 'B'),
      d('320302', '徐州市', '鼓樓區', 'C'), d('320402', '常州市', '天寧區', 'D'), d('320505', '蘇州市', '虎丘區', 'E'),
      d('320508', '蘇州市', '姑蘇區', 'E'), d('320583', '蘇州市', '昆山市', 'E'), d('320602', '南通市', '崇川區', 'F'),
      d('320703', '連雲港市', '連雲區', 'G'), d('320803', '淮安市', '淮安區', 'H'), d('320902', '鹽城市', '亭湖區', 'J'),
      d('321002', '揚州市', '廣陵區', 'K'), d('321102', '鎮江市', '京口區', 'L'), d('321202', '泰州市', '海陵區', 'M'),
      d('321302', '宿遷市', '宿城區', 'N'),
    ],
  },
  GZ: {
    province: '貴州省',
    plateProvince: '貴',
    districts: [
      d('520102', '貴陽市', '南明區', 'A'), d('520103', '貴陽市', '雲岩區', 'A'), d('520111', '貴陽市', '花溪區', 'A'),
      d('520115', '貴陽市', '觀山湖區', 'A'), d('520201', '六盤水市', '鐘山區', 'B'), d('520302', '遵義市', '紅花崗區', 'C'),
      d('520303', '遵義市', '匯川區', 'C'), d('520402', '安順市', '西秀區', 'G'), d('520502', '畢節市', '七星關區', 'F'),
      d('520602', '銅仁市', '碧江區', 'D'), d('522301', '黔西南州', '興義市', 'E'), d('522601', '黔東南州', '凱里市', 'H'),
      d('522701', '黔南州', '都勻市', 'J'),
    ],
  },
  HB: {
    province: '湖北省',
    plateProvince: '鄂',
    districts: [
      d('420102', '武漢市', '江岸區', 'A'), d('420103', '武漢市', '江漢區', 'A'), d('420106', '武漢市', '武昌區', 'A'),
      d('420111', '武漢市', '洪山區', 'A'), d('420202', '黃石市', '黃石港區', 'B'), d('420302', '十堰市', '茅箭區', 'C'),
      d('421002', '荊州市', '沙市區', 'D'), d('420502', '宜昌市', '西陵區', 'E'), d('420602', '襄陽市', '襄城區', 'F'),
      d('420704', '鄂州市', '鄂城區', 'G'), d('420802', '荊門市', '東寶區', 'H'), d('421102', '黃岡市', '黃州區', 'J'),
      d('420902', '孝感市', '孝南區', 'K'), d('421202', '咸寧市', '咸安區', 'L'),
    ],
  },
};

/** Common surnames, most frequent first (the generator favours the head of the list). */
export const SURNAMES = [
  '王', '李', '張', '劉', '陳', '楊', '趙', '黃', '周', '吳', '徐', '孫', '胡', '朱', '高', '林', '何', '郭',
  '馬', '羅', '梁', '宋', '鄭', '謝', '韓', '唐', '馮', '於', '董', '蕭', '程', '曹', '袁', '鄧', '許', '傅',
  '沈', '曾', '彭', '呂', '蘇', '盧', '蔣', '蔡', '賈', '丁', '魏', '薛', '葉', '閻', '余', '潘', '杜', '戴',
  '夏', '鍾', '汪', '田', '任', '姜', '范', '方', '石', '姚', '譚', '廖', '鄒', '熊', '金', '陸', '郝', '孔',
  '白', '崔', '康', '毛', '邱', '秦', '江', '史', '顧', '侯', '邵', '孟', '龍', '萬', '段', '雷', '錢', '湯',
  '尹', '黎', '易', '常', '武', '喬', '賀', '賴', '龔', '文', '歐陽', '司馬', '諸葛',
] as const;

export const GIVEN_MALE = [
  '偉', '強', '磊', '軍', '勇', '傑', '濤', '斌', '超', '明', '剛', '平', '輝', '鵬', '華', '飛', '鑫', '波',
  '宇', '浩', '凱', '健', '俊', '帆', '帥', '旭', '寧', '龍', '林', '陽', '建', '國', '志', '文', '東', '海',
  '峰', '亮', '博', '晨', '子', '軒', '澤', '睿', '昊', '天', '銘', '振', '家', '嘉', '成', '榮', '德', '興',
] as const;

export const GIVEN_FEMALE = [
  '芳', '娜', '敏', '靜', '麗', '艷', '娟', '霞', '秀', '玲', '燕', '紅', '婷', '雪', '琳', '晶', '慧', '穎',
  '欣', '怡', '佳', '琪', '萍', '潔', '倩', '瑤', '璐', '雯', '蓉', '薇', '夢', '涵', '悅', '思', '雨', '詩',
  '梅', '蘭', '菊', '鳳', '月', '春', '曉', '丹', '琴', '妍', '婧', '嬌', '瑩', '彤', '萱', '可', '心', '語',
] as const;

export const STREETS = [
  '中山路', '人民路', '解放路', '建設路', '和平路', '勝利路', '新華路', '長江路', '黃河路', '光明街', '文化路',
  '學府路', '東風路', '青年路', '北京路', '南京路', '延安路', '幸福街', '團結路', '朝陽路', '興業路', '濱江路',
  '湖濱路', '花園街', '工農路', '民主路', '五一路', '復興路', '振興路', '科技路',
] as const;

export const PLACE_KINDS = [
  '商場停車場', '居民小區', '地鐵站出口', '火車站廣場', '農貿市場', '網吧', '便利店', '高速公路服務區', '酒店',
  '建築工地', '公園', '學校門口', '銀行網點', '物流倉庫', '加油站',
] as const;

export interface VehicleModel {
  make: string;
  model: string;
  wmi: string;       // VIN world manufacturer identifier
  newEnergy: boolean;
}

const m = (make: string, model: string, wmi: string, newEnergy = false): VehicleModel => ({ make, model, wmi, newEnergy });

export const VEHICLE_MODELS: readonly VehicleModel[] = [
  m('大眾', '朗逸', 'LSV'), m('大眾', '帕薩特', 'LSV'), m('大眾', '速騰', 'LFV'), m('豐田', '卡羅拉', 'LVG'),
  m('豐田', '凱美瑞', 'LVG'), m('本田', '雅閣', 'LHG'), m('本田', '思域', 'LHG'), m('日產', '軒逸', 'LGB'),
  m('別克', '英朗', 'LSG'), m('別克', '君越', 'LSG'), m('吉利', '帝豪', 'LB3'), m('吉利', '博越', 'LB3'),
  m('長安', 'CS75', 'LS5'), m('哈弗', 'H6', 'LGW'), m('寶馬', '3系', 'LBV'), m('奧迪', 'A4L', 'LFV'),
  m('比亞迪', '秦PLUS', 'LGX', true), m('比亞迪', '漢', 'LGX', true), m('比亞迪', '宋PLUS', 'LGX', true),
  m('特斯拉', 'Model 3', 'LRW', true), m('特斯拉', 'Model Y', 'LRW', true), m('五菱', '宏光MINIEV', 'LZW', true),
  m('蔚來', 'ES6', 'LJ1', true), m('理想', 'L7', 'LW4', true), m('小鵬', 'P7', 'L1N', true),
];

export const COLOURS = ['白色', '黑色', '銀色', '灰色', '紅色', '藍色', '棕色', '綠色', '黃色'] as const;

/** Contract case types with their Chinese names (what the generator calls them). */
export const CASE_TYPE_NAMES = {
  TELECOM_FRAUD: '電信網絡詐騙',
  THEFT: '盜竊',
  ROBBERY: '搶劫',
  DRUG_TRAFFICKING: '販賣毒品',
  ONLINE_GAMBLING: '網絡賭博',
  ASSAULT: '故意傷害',
  TRAFFIC_OFFENCE: '交通肇事',
  OTHER: '其他刑事案件',
} as const;

export const CASE_STATUS_NAMES = {
  REGISTERED: '受理',
  INVESTIGATING: '偵查中',
  SOLVED: '已破案',
  PROSECUTED: '已移送起訴',
  CLOSED: '已撤銷',
  UNKNOWN: '中止偵查',
} as const;

/** Case summary templates; `{victim}`, `{suspect}`, `{amount}`, `{place}`, `{vehicle}` are filled in. */
export const SUMMARIES: Record<keyof typeof CASE_TYPE_NAMES, readonly string[]> = {
  TELECOM_FRAUD: [
    '被害人{victim}接到自稱「客服」的電話，按對方指示操作退款，被騙轉賬{amount}元。',
    '被害人{victim}在網上結識自稱投資導師的人，經誘導在虛假平台投資，損失{amount}元。',
    '嫌疑人{suspect}冒充公檢法人員致電被害人{victim}，以「安全賬戶」為由騙取{amount}元。',
  ],
  THEFT: [
    '被害人{victim}停放於{place}的車輛內財物被盜，價值約{amount}元。',
    '嫌疑人{suspect}於{place}扒竊被害人{victim}手機一部，價值{amount}元。',
    '{place}一輛{vehicle}被盜，車主{victim}報案。',
  ],
  ROBBERY: [
    '嫌疑人{suspect}於{place}持刀搶劫被害人{victim}現金{amount}元後駕車逃離。',
    '被害人{victim}夜間途經{place}時被兩名男子搶走挎包，內有現金{amount}元。',
  ],
  DRUG_TRAFFICKING: [
    '經線索核查，嫌疑人{suspect}在{place}附近多次販賣毒品，現場查獲疑似冰毒若干。',
    '嫌疑人{suspect}駕駛{vehicle}運輸毒品，在{place}被設卡查獲。',
  ],
  ONLINE_GAMBLING: [
    '嫌疑人{suspect}組織他人在境外賭博網站投注，涉案流水{amount}元。',
    '經網安巡查發現嫌疑人{suspect}為賭博網站提供支付結算服務。',
  ],
  ASSAULT: [
    '嫌疑人{suspect}與被害人{victim}在{place}發生口角後將其打傷，經鑒定為輕傷二級。',
    '{place}發生鬥毆，被害人{victim}頭部受傷送醫。',
  ],
  TRAFFIC_OFFENCE: [
    '嫌疑人{suspect}駕駛{vehicle}在{place}附近與行人{victim}相撞後逃逸。',
    '{vehicle}在{place}路段追尾，造成一人重傷，駕駛人{suspect}涉嫌醉駕。',
  ],
  OTHER: ['{place}發生一起刑事案件，詳情見卷宗。'],
};

export const WANTED_REASONS = [
  '涉嫌電信網絡詐騙，在逃', '涉嫌盜竊，在逃', '涉嫌搶劫，在逃', '涉嫌販賣毒品，在逃', '涉嫌開設賭場，在逃',
  '涉嫌故意傷害，在逃', '涉嫌交通肇事逃逸', '取保候審期間脫逃',
] as const;
