export default {
  categoriesLabel: '类别',
  emojiUnsupportedMessage: '您的浏览器不支持彩色表情符号。',
  favoritesLabel: '收藏夹',
  loadingMessage: '正在加载…',
  networkErrorMessage: '无法加载表情符号。',
  regionLabel: '表情符号选择器',
  searchDescription: '当搜索结果可用时，按向上或向下选择并输入选择。',
  searchLabel: '搜索',
  searchResultsLabel: '搜索结果',
  skinToneDescription: '展开时，按向上或向下键进行选择，按回车键进行选择。',
  skinToneLabel: '选择肤色（当前为 {skinTone}）',
  skinTonesLabel: '肤色',
  skinTones: ['默认', '明亮', '微亮', '中等', '微暗', '暗'],
  categories: {
    custom: '自定义',
    'smileys-emotion': '笑脸和表情',
    'people-body': '人物和身体',
    'animals-nature': '动物与自然',
    'food-drink': '食品饮料',
    'travel-places': '旅行和地方',
    activities: '活动',
    objects: '物体',
    symbols: '符号',
    flags: '旗帜'
  }
}
